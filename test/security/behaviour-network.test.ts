import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suiteTemporalAddress } from '../support/tether';
import { callBehaviour, connectorStatus, deploy, startBehaviourStack, type BehaviourStack } from '../behaviours/support';

/**
 * TETHER_BEHAVIOURS_NETWORK: a behaviour reaching the network directly — a peer on the host, the Temporal frontend
 * (where, without auth, it could start executeAction workflows for any connection instance) — and getting around
 * the guard. Real Behaviour Servers, real peers: an HTTP/TCP peer and a UDP peer count what arrives.
 */

const denial = 'network access is disabled for behaviours (TETHER_BEHAVIOURS_NETWORK=none); call a connection instance instead';

const reacher = {
  'index.ts': [
    "const net = require('node:net');",
    "const dgram = require('node:dgram');",
    "const dns = require('node:dns');",
    '',
    // What one attempt gave: `denied` (the guard's error), `reached` (connected, answered, listening or sent), or the error.
    'function outcome(err: any): string {',
    "  return String(err?.message ?? err).includes('TETHER_BEHAVIOURS_NETWORK=none') ? 'denied' : String(err?.code ?? err?.message ?? err);",
    '}',
    'async function attempt(start: () => unknown): Promise<string> {',
    '  try {',
    '    const started: any = await start();',
    "    if (!started || typeof started.on !== 'function') return 'reached';",
    '    return await new Promise((resolve) => {',
    "      const timer = setTimeout(() => resolve('no answer'), 3_000);",
    '      const done = (what: string) => { clearTimeout(timer); started.destroy?.(); started.close?.(); resolve(what); };',
    "      started.on('error', (err: unknown) => done(outcome(err)));",
    "      for (const event of ['connect', 'secureConnect', 'response', 'listening']) started.on(event, () => done('reached'));",
    '    });',
    '  } catch (err) {',
    '    return outcome(err);',
    '  }',
    '}',
    '',
    'export async function reach(input: { peer: number; udp: number; temporal: string }) {',
    "  const [temporalHost, temporalPort] = [input.temporal.split(':')[0], Number(input.temporal.split(':')[1])];",
    '  const url = `http://127.0.0.1:${input.peer}/direct`;',
    '  const attempts: Record<string, () => unknown> = {',
    "    fetch: () => fetch(url).then((response) => response.text()),",
    "    'http.get': () => require('node:http').get(url),",
    "    'https.request': () => require('node:https').request(`https://127.0.0.1:${input.peer}/`).end(),",
    "    'net.connect': () => net.connect(input.peer, '127.0.0.1'),",
    "    'net.createConnection': () => net.createConnection({ port: input.peer, host: '127.0.0.1' }),",
    "    'new net.Socket().connect': () => new net.Socket().connect(input.peer, '127.0.0.1'),",
    "    'Socket.prototype.connect.call': () => require('node:net').Socket.prototype.connect.call(new net.Socket(), input.peer, '127.0.0.1'),",
    // Putting something back: the replaced functions are non-writable and non-configurable.
    "    'Socket.prototype.connect deleted': () => { try { delete net.Socket.prototype.connect; } catch {} return new net.Socket().connect(input.peer, '127.0.0.1'); },",
    "    'Socket.prototype.connect redefined': () => { try { Object.defineProperty(net.Socket.prototype, 'connect', { value: () => 'mine' }); } catch {} return new net.Socket().connect(input.peer, '127.0.0.1'); },",
    "    'fetch put back': () => { try { (globalThis as any).fetch = async () => 'mine'; } catch {} return fetch(url); },",
    // A subclass overriding connect still has only the replaced one to call.
    "    'Socket subclass': () => new (class extends net.Socket { connect(...args: any[]) { return super.connect(...args); } })().connect(input.peer, '127.0.0.1'),",
    "    'tls.connect': () => require('node:tls').connect({ port: input.peer, host: '127.0.0.1', rejectUnauthorized: false }),",
    "    'new TLSSocket().connect': () => new (require('node:tls').TLSSocket)(new net.Socket()).connect(input.peer, '127.0.0.1'),",
    "    '_http_agent createConnection': () => new (require('_http_agent').Agent)().createConnection({ port: input.peer, host: '127.0.0.1' }),",
    "    '_http_client ClientRequest': () => new (require('_http_client').ClientRequest)(url),",
    "    'http.Agent.prototype.createConnection': () => require('node:http').Agent.prototype.createConnection.call(new (require('node:http').Agent)(), { port: input.peer, host: '127.0.0.1' }),",
    "    'import(node:net)': () => new Function('return import(\"node:net\")')().then((m: any) => m.connect(input.peer, '127.0.0.1')),",
    "    'import(node:net) default': () => new Function('return import(\"node:net\")')().then((m: any) => m.default.connect(input.peer, '127.0.0.1')),",
    "    'net._createServerHandle': () => net._createServerHandle('127.0.0.1', 0, 4),",
    "    'net.Server.listen': () => net.createServer().listen(0, '127.0.0.1'),",
    "    'http2.connect to Temporal': () => require('node:http2').connect(`http://${input.temporal}`),",
    "    'net.connect to Temporal': () => net.connect(temporalPort, temporalHost),",
    "    'fetch to Temporal': () => fetch(`http://${input.temporal}/`),",
    "    'dgram send': () => dgram.createSocket('udp4').send('hello', input.udp, '127.0.0.1'),",
    "    'dgram connect': () => dgram.createSocket('udp4').connect(input.udp, '127.0.0.1'),",
    "    'dgram bind': () => dgram.createSocket('udp4').bind(0),",
    "    'dgram._createSocketHandle': () => dgram._createSocketHandle('127.0.0.1', 0, 'udp4', undefined, 0),",
    "    'dns.lookup': () => new Promise((resolve, reject) => dns.lookup('localhost', (err: unknown) => (err ? reject(err) : resolve(undefined)))),",
    "    'dns.promises.lookup': () => dns.promises.lookup('localhost'),",
    "    'dns.Resolver to the UDP peer': () => { const resolver = new dns.Resolver(); resolver.setServers([`127.0.0.1:${input.udp}`]); return new Promise((resolve, reject) => resolver.resolve4('example.com', (err: unknown) => (err ? reject(err) : resolve(undefined)))); },",
    "    'dns.promises.Resolver': () => new dns.promises.Resolver().resolve4('example.com'),",
    "    'dns.promises.resolve': () => dns.promises.resolve('example.com'),",
    // Below the JavaScript entry points: refused by Node's permission model.
    "    'process.binding(tcp_wrap)': () => (process as any).binding('tcp_wrap'),",
    "    'process.dlopen': () => process.dlopen({ exports: {} } as any, '/nonexistent/addon.node'),",
    "    'inspector.open': () => require('node:inspector').open(0),",
    "    'WASI (WebAssembly system interface)': () => new (require('node:wasi').WASI)({ version: 'preview1' }),",
    '  };',
    '  const outcomes: Record<string, string> = {};',
    '  for (const [name, start] of Object.entries(attempts)) outcomes[name] = await attempt(start);',
    '  let message = "";',
    '  try { await fetch(url); } catch (err: any) { message = err.message; }',
    "  return { outcomes, message, fetchIs: typeof fetch, WebSocketIs: typeof (globalThis as any).WebSocket };",
    '}',
    '',
    // The way that stays open: a connection instance, called through the manager.
    'export async function viaInstance(input: { peer: number }, context: any) {',
    "  const instance = await context.connections.call('http', 'PEER', 'request', { method: 'GET', path: '/via-instance' });",
    "  return { instance, direct: await attempt(() => fetch(`http://127.0.0.1:${input.peer}/direct`)) };",
    '}',
    '',
    "export async function interfaces() { return Object.keys(require('node:os').networkInterfaces()); }",
    '',
    "export async function fetchPeer(input: { peer: number }) { return (await fetch(`http://127.0.0.1:${input.peer}/direct`)).status; }",
  ].join('\n'),
};

/** Everything a behaviour may try gives the guard's error, except what the permission model refuses below it. */
const allDenied = (outcomes: Record<string, string>) =>
  Object.fromEntries(
    Object.keys(outcomes).map((name) => [
      name,
      { 'process.binding(tcp_wrap)': 'ERR_ACCESS_DENIED', 'process.dlopen': 'ERR_DLOPEN_DISABLED', 'inspector.open': 'ERR_ACCESS_DENIED', 'WASI (WebAssembly system interface)': 'ERR_ACCESS_DENIED' }[name] ?? 'denied',
    ]),
  );

/** A real HTTP peer counting TCP connections and paths, and a UDP peer counting datagrams. */
function startPeers() {
  const peers = { http: undefined as Server | undefined, udp: undefined as UdpSocket | undefined, port: 0, udpPort: 0, connections: 0, paths: [] as string[], datagrams: 0 };
  const started = async () => {
    peers.http = createServer((request, response) => {
      peers.paths.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end('{"peer":"answered"}');
    });
    peers.http.on('connection', () => (peers.connections += 1));
    await new Promise<void>((resolve) => peers.http!.listen(0, '127.0.0.1', resolve));
    peers.port = (peers.http.address() as AddressInfo).port;
    peers.udp = createSocket('udp4').on('message', () => (peers.datagrams += 1));
    await new Promise<void>((resolve) => peers.udp!.bind(0, '127.0.0.1', resolve));
    peers.udpPort = peers.udp.address().port;
    return peers;
  };
  const stop = () => {
    peers.http?.close();
    peers.udp?.close();
  };
  return { peers, started, stop };
}

const config = (port: number) =>
  ['connectors:', '  - use: http', '    connectionInstances:', '      - id: PEER', '        name: Peer', '        behaviours: ["acme/prod"]', `        settings: { baseUrl: "http://127.0.0.1:${port}" }`].join('\n');

describe.each([
  { mode: 'none (namespace)', env: {} },
  { mode: 'none (in-process)', env: { TETHER_INTERNAL_BEHAVIOURS_NO_NAMESPACE: '1' } },
])('TETHER_BEHAVIOURS_NETWORK=none: $mode', ({ mode, env }) => {
  let stack: BehaviourStack;
  const { peers, started, stop } = startPeers();
  beforeAll(async () => {
    await started();
    Object.assign(process.env, env);
    try {
      stack = await startBehaviourStack({ config: config(peers.port) });
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
    expect((await deploy(stack, reacher)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    stop();
  });

  it(`shows and logs the mode in force: ${mode}`, async () => {
    expect((await connectorStatus(stack)).network).toBe(mode);
    expect(stack.connector.lines.filter((line) => line.network === mode)).toHaveLength(1);
  });

  it('refuses every way to the network a behaviour tries — a loopback peer, the Temporal frontend, UDP, DNS — naming the setting; the peers receive nothing', async () => {
    const answer = await callBehaviour(stack, 'reach', { peer: peers.port, udp: peers.udpPort, temporal: suiteTemporalAddress() });
    expect(answer.status).toBe(200);
    const { outcomes, message, fetchIs } = answer.body.output;
    expect(outcomes).toEqual(allDenied(outcomes));
    expect(Object.keys(outcomes)).toHaveLength(36);
    expect(message).toBe(`globalThis.fetch: ${denial} (context.connections.call)`);
    expect(fetchIs).toBe('function');
    expect({ connections: peers.connections, datagrams: peers.datagrams, paths: peers.paths }).toEqual({ connections: 0, datagrams: 0, paths: [] });
  }, 60_000);

  it('still reaches a connection instance allowed for the scope (through the manager, with its settings), not the same peer directly', async () => {
    const answer = await callBehaviour(stack, 'viaInstance', { peer: peers.port });
    expect(answer.status).toBe(200);
    expect(answer.body.output).toMatchObject({ instance: { status: 200, body: { peer: 'answered' } }, direct: 'denied' });
    expect(peers.paths).toEqual(['/via-instance']);
  });

  if (mode === 'none (namespace)') {
    it("runs the Behaviour Server in its own network namespace: it sees none of the host's interfaces", async () => {
      const answer = await callBehaviour(stack, 'interfaces', {});
      expect(answer.status).toBe(200);
      expect((answer.body.output as string[]).filter((name) => name !== 'lo')).toEqual([]);
    });
  }
});

describe('TETHER_BEHAVIOURS_NETWORK=allow', () => {
  let stack: BehaviourStack;
  const { peers, started, stop } = startPeers();
  beforeAll(async () => {
    await started();
    stack = await startBehaviourStack({ config: config(peers.port), env: { TETHER_BEHAVIOURS_NETWORK: 'allow' } });
    expect((await deploy(stack, reacher)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    stop();
  });

  it("lets a behaviour's fetch reach the peer, and says so: a warning at start and `allow` in the status", async () => {
    const answer = await callBehaviour(stack, 'fetchPeer', { peer: peers.port });
    expect(answer.body.output).toBe(200);
    expect(peers.paths).toEqual(['/direct']);
    expect((await connectorStatus(stack)).network).toBe('allow');
    expect(stack.connector.lines.filter((line) => line.network === 'allow' && line.level === 40)).toHaveLength(1);
  });
});
