import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { adminAuth } from '../support/tether';
import { eventually, hubAdmin, hubAdminToken } from '../platform/support';
import { hubUrlOf, runBehavioursPull } from '../../src/cli/behaviours-pull';
import { callBehaviour, connectorStatus, deploy, startBehaviourStack, type BehaviourStack } from './support';

/** A real HTTP peer a behaviour reaches through one of the connector's `http` connection instances. */
function startPeer(): Promise<{ server: Server; url: string; seen: Array<{ url?: string; authorization?: string }> }> {
  const seen: Array<{ url?: string; authorization?: string }> = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url, authorization: request.headers.authorization });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ id: request.url?.split('/').pop(), status: 'shipped' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })));
}

const v1 = {
  'index.ts': [
    "import { label } from './lib/label';",
    'export async function greet(input: { name: string }) {',
    "  return { greeting: label(input.name), v: 1 };",
    '}',
    'export async function slow(input: { ms: number }) {',
    '  await new Promise((resolve) => setTimeout(resolve, input.ms));',
    '  return { v: 1 };',
    '}',
    'export async function fail(input: { item: string }) {',
    '  if (input.item) {',
    '    throw new Error(`no stock for ${input.item}`);',
    '  }',
    '}',
    'export async function spin() {',
    '  for (;;) {}',
    '}',
    'export async function order(input: { id: string }, context: any) {',
    "  context.log.info({ id: input.id }, 'looking up an order');",
    "  const outputs = await context.connections.call('http', 'TARGET', 'request', { method: 'GET', path: `/orders/${input.id}` });",
    '  return { tenant: context.tenant, environment: context.environment, status: outputs.status, order: outputs.body, aborted: context.signal.aborted };',
    '}',
    'export async function reach(input: { instance: string; uncaught?: boolean }, context: any) {',
    '  try {',
    "    return { outputs: await context.connections.call('http', input.instance, 'request', { method: 'GET', path: '/reached' }) };",
    '  } catch (err: any) {',
    '    if (input.uncaught) throw err;',
    '    return { error: { name: err.name, message: err.message, details: err.details } };',
    '  }',
    '}',
    // Speaks the manager's channel (fd 3) itself, as hostile code could: it sniffs its own running call's id and the
    // answers from the server's socket, and writes any scope it likes.
    "const net = require('node:net');",
    "let lastCallId = '';",
    'const replies = new Map<string, (message: unknown) => void>();',
    'const emit = net.Socket.prototype.emit;',
    'net.Socket.prototype.emit = function (event: string, ...args: any[]) {',
    "  if (event === 'data') for (const line of String(args[0]).split('\\n')) {",
    '    try {',
    '      const message = JSON.parse(line);',
    "      if (message.type === 'call') lastCallId = message.callId;",
    "      if (message.type === 'connection-result') replies.get(message.requestId)?.(message);",
    '    } catch {}',
    '  }',
    '  return emit.call(this, event, ...args);',
    '};',
    'export async function forge(input: { instance: string; fakeCallId?: boolean }) {',
    '  const requestId = `forged-${Math.random()}`;',
    '  const answer = new Promise((resolve) => replies.set(requestId, resolve));',
    "  const callId = input.fakeCallId ? '00000000-0000-4000-8000-000000000000' : lastCallId;",
    "  const forged = { type: 'connection-call', requestId, callId, tenant: 'beta', environment: 'prod', connector: 'http', instance: input.instance, action: 'request', inputs: { method: 'GET', path: '/forged' } };",
    "  require('node:fs').writeSync(3, JSON.stringify(forged) + '\\n');",
    '  return answer;',
    '}',
  ].join('\n'),
  'lib/label.ts': 'export const label = (name: string): string => `Hello, ${name}`;\n',
};
const v2 = { ...v1, 'index.ts': v1['index.ts'].replace('v: 1 };\n}\nexport async function slow', 'v: 2 };\n}\nexport async function slow') };

describe('behaviours deployed on the hub, built and run by the connector', () => {
  let stack: BehaviourStack;
  let peer: Awaited<ReturnType<typeof startPeer>>;
  /** The peer behind tenant beta's instance: acme's behaviours must never reach it. */
  let betaPeer: Awaited<ReturnType<typeof startPeer>>;
  beforeAll(async () => {
    peer = await startPeer();
    betaPeer = await startPeer();
    process.env.BEHAVIOUR_TEST_TARGET_TOKEN = 'target-token-never-shown';
    process.env.BEHAVIOUR_TEST_BETA_TOKEN = 'beta-token-never-shown';
    stack = await startBehaviourStack({
      privileges: ['behaviours:acme/prod', 'behaviours:beta/prod'],
      env: { TETHER_BEHAVIOURS_TIMEOUT_MS: '3000' },
      config: [
        'connectors:',
        '  - use: http',
        '    connectionInstances:',
        '      - id: TARGET',
        '        name: Target',
        '        behaviours: ["acme/prod"]',
        `        settings: { baseUrl: "${peer.url}", auth: { type: bearer, token: "\${BEHAVIOUR_TEST_TARGET_TOKEN}" } }`,
        '      - id: BETA_TARGET',
        '        name: Beta target',
        '        behaviours: ["beta/*"]',
        `        settings: { baseUrl: "${betaPeer.url}", auth: { type: bearer, token: "\${BEHAVIOUR_TEST_BETA_TOKEN}" } }`,
        '      - id: CLOSED',
        '        name: No behaviours list',
        `        settings: { baseUrl: "${betaPeer.url}" }`,
      ].join('\n'),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    peer?.server.close();
    betaPeer?.server.close();
  });

  let first: string;
  it('deploys v1 and runs it through the hub as a durable execution, with its files on disk', async () => {
    const deployed = await deploy(stack, v1);
    expect(deployed.status).toBe(201);
    first = deployed.body.version;
    expect(first).toMatch(/^[0-9a-f]{16}$/);

    const answer = await callBehaviour(stack, 'greet', { name: 'Ada' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ output: { greeting: 'Hello, Ada', v: 1 }, version: first });
    expect(answer.headers.get('x-tether-execution-id')).toMatch(/^behaviour\/acme\/prod\/greet\//);

    const dir = join(stack.behavioursDir, 'acme', 'prod', first);
    expect(readFileSync(join(dir, 'src', 'lib', 'label.ts'), 'utf8')).toContain('Hello, ${name}');
    expect(existsSync(join(dir, 'build', 'behaviour.js.map'))).toBe(true);

    // The same content is the same immutable version.
    expect((await deploy(stack, v1)).body).toMatchObject({ version: first, created: false });
  });

  it('records the execution: version, input and output, searchable by tenant and environment', async () => {
    const answer = await callBehaviour(stack, 'greet', { name: 'Grace' }, { headers: { 'Idempotency-Key': 'greet-grace-1' } });
    const executionId = answer.headers.get('x-tether-execution-id')!;
    expect(executionId).toBe('behaviour/acme/prod/greet/key-greet-grace-1');
    const again = await callBehaviour(stack, 'greet', { name: 'Grace' }, { headers: { 'Idempotency-Key': 'greet-grace-1' } });
    expect(again.headers.get('x-tether-execution-id')).toBe(executionId);
    // The key reused with another input: 422 naming the original execution, and no second run.
    const reused = await callBehaviour(stack, 'greet', { name: 'Someone-Else' }, { headers: { 'Idempotency-Key': 'greet-grace-1' } });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', executionId });
    expect(JSON.stringify(reused.body)).not.toContain('Someone-Else');

    const handle = stack.connector.client.workflow.getHandle(executionId);
    const description = await handle.describe();
    expect(description.type).toBe('executeBehaviour');
    expect(description.searchAttributes).toMatchObject({ TetherKind: ['behaviour'], TetherTenant: ['acme'], TetherEnvironment: ['prod'], TetherAction: ['greet'] });
    expect(await handle.result()).toEqual({ output: { greeting: 'Hello, Grace', v: 1 }, version: first });
    const history = await handle.fetchHistory();
    // Payloads are encrypted at rest: the input never appears in clear in the history.
    expect(JSON.stringify(history)).not.toContain('Grace');

    // Prefer: respond-async answers 202 at once; the execution's status is read through the hub like an SPI one.
    const started = await callBehaviour(stack, 'greet', { name: 'Async' }, { headers: { Prefer: 'respond-async' } });
    expect(started.status).toBe(202);
    const statusUrl = `${stack.hub.url}/connectors/${stack.connectorId}/rcf/executions/${encodeURIComponent(started.body.executionId)}`;
    const view = await eventually(async () => (await fetch(statusUrl, { headers: hubAdmin })).json() as Promise<{ status: string }>, (body) => body.status !== 'RUNNING');
    expect(view).toMatchObject({ status: 'COMPLETED', outputs: { output: { greeting: 'Hello, Async', v: 1 }, version: first } });

    const found = await fetch(`${stack.connector.url}/admin/executions?kind=behaviour&tenant=acme&environment=prod`, { headers: adminAuth });
    expect(found.status).toBe(200);
    const { executions } = (await found.json()) as { executions: Array<{ executionId: string; tenant?: string }> };
    expect(executions.map((execution) => execution.executionId)).toContain(executionId);
    const detail = await fetch(`${stack.connector.url}/admin/executions/${encodeURIComponent(executionId)}`, { headers: adminAuth });
    expect(await detail.json()).toMatchObject({ kind: 'behaviour', inputs: { input: { name: 'Grace' }, version: first }, outputs: { output: { greeting: 'Hello, Grace', v: 1 } } });
  });

  it('runs the next call on v2 while a slow v1 call in flight completes on v1, then rolls back', async () => {
    const slow = callBehaviour(stack, 'slow', { ms: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deployed = await deploy(stack, v2);
    expect(deployed.status).toBe(201);
    const second = deployed.body.version;
    expect(second).not.toBe(first);

    const next = await callBehaviour(stack, 'greet', { name: 'Ada' });
    expect(next.body).toEqual({ output: { greeting: 'Hello, Ada', v: 2 }, version: second });
    expect((await slow).body).toEqual({ output: { v: 1 }, version: first });

    const listed = await (await fetch(`${stack.hub.url}/admin/behaviours/acme/prod`, { headers: hubAdmin })).json();
    expect(listed).toMatchObject({ current: second, versions: [{ version: first }, { version: second }] });

    const rollback = await fetch(`${stack.hub.url}/admin/behaviours/acme/prod/rollback`, {
      method: 'POST',
      headers: { ...hubAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ version: first }),
    });
    expect(rollback.status).toBe(200);
    expect((await callBehaviour(stack, 'greet', { name: 'Ada' })).body).toEqual({ output: { greeting: 'Hello, Ada', v: 1 }, version: first });
  });

  it('pulls the current sources from the hub into a folder (tether behaviours pull)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tether-pull-'));
    const lines: string[] = [];
    const pulled = await runBehavioursPull({ tenant: 'acme', environment: 'prod', platform: stack.hub.url, out, env: { TETHER_PLATFORM_ADMIN_TOKEN: hubAdminToken }, say: (line) => lines.push(line) });
    expect(pulled.version).toBe(first);
    expect(readFileSync(join(out, 'lib', 'label.ts'), 'utf8')).toBe(v1['lib/label.ts']);
    expect(JSON.parse(readFileSync(join(out, 'tether-behaviour.json'), 'utf8'))).toMatchObject({ tenant: 'acme', environment: 'prod', version: first, entry: 'index.ts' });
    expect(lines).toEqual([`Wrote version ${first} of acme/prod (2 files, entry index.ts) to ${out}`]);
    expect(hubUrlOf('wss://hub.example:4443/connect')).toBe('https://hub.example:4443');
  });

  it('answers 422 with the message and the behaviour file:line when it throws, and 404 listing the known behaviours', async () => {
    const failed = await callBehaviour(stack, 'fail', { item: 'socks' });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatchObject({ code: 'BEHAVIOUR_FAILED', message: 'no stock for socks (at index.ts:11)', details: { location: 'index.ts:11' } });
    expect(failed.body.error.executionId).toMatch(/^behaviour\/acme\/prod\/fail\//);

    // A failed behaviour execution is replayed with the same input and version, linked to the original.
    const replay = await fetch(`${stack.connector.url}/admin/executions/${encodeURIComponent(failed.body.error.executionId)}/replay`, { method: 'POST', headers: adminAuth });
    expect(replay.status).toBe(202);
    const replayed = (await replay.json()) as { executionId: string; replayOf: string };
    expect(replayed).toMatchObject({ executionId: expect.stringMatching(/^behaviour\/acme\/prod\/fail\/replay-/), replayOf: failed.body.error.executionId });
    await expect(stack.connector.client.workflow.getHandle(replayed.executionId).result()).rejects.toThrow();
    const detail = await (await fetch(`${stack.connector.url}/admin/executions/${encodeURIComponent(replayed.executionId)}`, { headers: adminAuth })).json();
    expect(detail).toMatchObject({ kind: 'behaviour', inputs: { input: { item: 'socks' } }, failure: { message: expect.stringContaining('no stock for socks') } });

    const unknown = await callBehaviour(stack, 'refund', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_BEHAVIOUR', details: { knownBehaviours: ['fail', 'forge', 'greet', 'order', 'reach', 'slow', 'spin'] } });
  });

  it('kills a server looping past the timeout (504), replaces it, and the next call works', async () => {
    const before = (await connectorStatus(stack)).servers.map((server: { pid: number }) => server.pid);
    const looping = await callBehaviour(stack, 'spin', {});
    expect(looping.status).toBe(504);
    expect(looping.body.error.code).toBe('BEHAVIOUR_TIMEOUT');
    const next = await callBehaviour(stack, 'greet', { name: 'again' });
    expect(next.status).toBe(200);
    const after = (await connectorStatus(stack)).servers.map((server: { pid: number }) => server.pid);
    expect(after.some((pid: number) => before.includes(pid))).toBe(false);
    const metrics = await (await fetch(`${stack.connector.url}/metrics`, { headers: adminAuth })).text();
    expect(metrics).toMatch(/tether_behaviour_server_recycles_total\{reason="timeout"\} [1-9]/);
  });

  it('lets a behaviour call an http connection instance against a real peer without seeing its secret', async () => {
    const answer = await callBehaviour(stack, 'order', { id: '7' });
    if (answer.status !== 200) console.log(JSON.stringify(answer.body));
    expect(answer.status).toBe(200);
    expect(answer.body.output).toEqual({ tenant: 'acme', environment: 'prod', status: 200, order: { id: '7', status: 'shipped' }, aborted: false });
    expect(peer.seen.at(-1)).toEqual({ url: '/orders/7', authorization: 'Bearer target-token-never-shown' });
  });

  it("refuses a behaviour another tenant's instance, an unlisted one and an unknown one alike (403, naming instance and scope); the peer receives nothing", async () => {
    const refusal = (instance: string) => ({
      name: 'ConnectionForbiddenError',
      message: `Connection instance http/${instance} may not be used by behaviours of acme/prod (403: not configured, or its behaviours list does not include acme/prod)`,
      details: { status: 403, code: 'CONNECTION_FORBIDDEN', connector: 'http', instance, tenant: 'acme', environment: 'prod' },
    });
    for (const instance of ['BETA_TARGET', 'CLOSED', 'NO_SUCH_INSTANCE']) {
      const answer = await callBehaviour(stack, 'reach', { instance });
      expect(answer.status).toBe(200);
      // Unknown and forbidden read the same: nothing tells acme which instances exist for others.
      expect(answer.body.output).toEqual({ error: refusal(instance) });
    }
    // Not caught by the behaviour: the caller sees it as the behaviour's failure, with the refusal's text.
    const uncaught = await callBehaviour(stack, 'reach', { instance: 'BETA_TARGET', uncaught: true });
    expect(uncaught.status).toBe(422);
    expect(uncaught.body.error.message).toContain('http/BETA_TARGET may not be used by behaviours of acme/prod');
    expect(uncaught.body.error.details).toMatchObject({ errorName: 'ConnectionForbiddenError' });
    expect(betaPeer.seen).toEqual([]);

    const metrics = await (await fetch(`${stack.connector.url}/metrics`, { headers: adminAuth })).text();
    expect(metrics).toMatch(/tether_behaviour_connection_calls_total\{tenant="acme",environment="prod",outcome="refused"\} 4/);
    expect(metrics).toMatch(/tether_behaviour_connection_calls_total\{tenant="acme",environment="prod",outcome="allowed"\} [1-9]/);
  });

  it("refuses connection calls a behaviour forges on the manager's channel: the scope it claims is ignored, and the call must be running", async () => {
    // The forging works at all: its own instance, from its own running call, is served.
    const own = await callBehaviour(stack, 'forge', { instance: 'TARGET' });
    expect(own.body.output).toMatchObject({ type: 'connection-result', ok: true, outputs: { status: 200 } });
    expect(peer.seen.at(-1)?.url).toBe('/forged');

    // Claiming tenant beta does not make acme's server beta's.
    const claimed = await callBehaviour(stack, 'forge', { instance: 'BETA_TARGET' });
    expect(claimed.body.output).toMatchObject({ ok: false, error: { name: 'ConnectionForbiddenError', details: { tenant: 'acme', environment: 'prod', instance: 'BETA_TARGET' } } });
    // A call id that is not running on that server is refused, even for the scope's own instance.
    const seen = peer.seen.length;
    const invented = await callBehaviour(stack, 'forge', { instance: 'TARGET', fakeCallId: true });
    expect(invented.body.output).toMatchObject({ ok: false, error: { name: 'ConnectionForbiddenError' } });
    expect(peer.seen).toHaveLength(seen);
    expect(betaPeer.seen).toEqual([]);
  });

  it('answers 400 naming file:line:col when the deployed version does not build', async () => {
    const deployed = await deploy(stack, { 'index.ts': "export { broken } from './broken';\n", 'broken.ts': 'export const broken = async () => {\n  return (1 +;\n};\n' });
    expect(deployed.status).toBe(201);
    const answer = await callBehaviour(stack, 'broken', {});
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BEHAVIOUR_BUILD_FAILED');
    expect(answer.body.error.message).toContain('broken.ts:2:');
    const status = await connectorStatus(stack);
    expect(status.scopes).toEqual([expect.objectContaining({ tenant: 'acme', environment: 'prod', current: deployed.body.version, lastBuildError: expect.objectContaining({ location: expect.objectContaining({ file: 'broken.ts', line: 2 }) }) })]);
    expect(status.servers[0]).toEqual(expect.objectContaining({ pid: expect.any(Number), builds: expect.any(Number), rss: expect.any(Number), started: expect.any(String) }));
  });

  it("runs tenant beta's behaviours on a server of their own, reaching beta's instance and not acme's", async () => {
    // The same files as acme's first version: the same version id, yet never acme's server.
    const deployed = await deploy(stack, v1, 'beta/prod');
    expect(deployed.status).toBe(201);
    const own = await callBehaviour(stack, 'reach', { instance: 'BETA_TARGET' }, { scope: 'beta/prod' });
    expect(own.body.output).toMatchObject({ outputs: { status: 200 } });
    expect(betaPeer.seen).toEqual([{ url: '/reached', authorization: 'Bearer beta-token-never-shown' }]);
    const acmes = await callBehaviour(stack, 'reach', { instance: 'TARGET' }, { scope: 'beta/prod' });
    expect(acmes.body.output).toMatchObject({ error: { name: 'ConnectionForbiddenError', details: { tenant: 'beta', instance: 'TARGET' } } });

    const servers: Array<{ pid: number; tenant: string; environment: string }> = (await connectorStatus(stack)).servers;
    const betaServers = servers.filter((server) => server.tenant === 'beta');
    expect(betaServers).toHaveLength(1);
    expect(servers.filter((server) => server.tenant === 'acme').map((server) => server.pid)).not.toContain(betaServers[0]!.pid);
  });

  it('refuses calls outside the connector privileges and bad deployments, naming the field', async () => {
    const forbidden = await callBehaviour(stack, 'greet', {}, { scope: 'other/prod' });
    expect(forbidden.status).toBe(403);
    const bad = await deploy(stack, { '../escape.ts': 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('files');
    const noEntry = await deploy(stack, { 'main.ts': 'export const a = 1' });
    expect(noEntry.status).toBe(400);
    expect(noEntry.body.error.details).toHaveProperty('entry');
  });
});
