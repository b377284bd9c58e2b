import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { versionOf } from '../../src/platform/behaviour-store';
import { hubAdmin } from '../platform/support';
import { callBehaviour, connectorStatus, deploy, secret, startBehaviourStack, type BehaviourStack } from '../behaviours/support';

/** Tenant code attacking the connector that runs it, and the hub's behaviour routes attacked with bad bodies. */

const hostile = {
  'index.ts': [
    'export async function env() {',
    '  return process.env;',
    '}',
    // Writes on the manager's channel (fd 3) what is not a message of the protocol.
    'export async function garbage() {',
    "  for (const message of [null, 'text', 42, [], { type: 'connection-call' }, { type: 'result', callId: 7 }, { type: 'loaded', version: {} }, { type: 'stats' }]) require('node:fs').writeSync(3, JSON.stringify(message) + '\\n');",
    "  require('node:fs').writeSync(3, 'not json\\n');",
    "  return 'sent';",
    '}',
    // Writes one endless message on the channel, as if to fill the worker's memory.
    'export async function flood() {',
    "  const chunk = 'x'.repeat(1_000_000);",
    '  for (let sent = 0; sent < 50; ) {',
    "    try { sent += require('node:fs').writeSync(3, chunk) / chunk.length; } catch (err: any) { if (err.code !== 'EAGAIN') throw err; await new Promise((resolve) => setTimeout(resolve, 1)); }",
    '  }',
    '  await new Promise(() => undefined);',
    '}',
    'export async function big(input: { bytes: number; throw?: boolean }) {',
    "  if (input.throw) throw new Error('x'.repeat(input.bytes));",
    "  return 'x'.repeat(input.bytes);",
    '}',
    // Starts many connection calls at once, as if to flood the worker and the target.
    'export async function burst(input: { calls: number }, context: any) {',
    "  const settled = await Promise.allSettled(Array.from({ length: input.calls }, () => context.connections.call('http', 'TARGET', 'request', { method: 'GET', path: '/slow' })));",
    "  const names = settled.map((result) => (result.status === 'fulfilled' ? 'ok' : result.reason.name));",
    '  return Object.fromEntries([...new Set(names)].map((name) => [name, names.filter((each) => each === name).length]));',
    '}',
    'export async function ok() {',
    "  return 'still here';",
    '}',
    // Tries to read files and start processes; answers what each attempt gave.
    'export async function pry(input: { read: string[]; write: string }) {',
    "  const fs = require('node:fs');",
    '  const attempt = (what: () => unknown) => { try { what(); return \'done\'; } catch (err: any) { return err.code ?? err.message; } };',
    '  return {',
    "    read: Object.fromEntries(input.read.map((path) => [path, attempt(() => fs.readFileSync(path, 'utf8'))])),",
    "    write: attempt(() => fs.writeFileSync(input.write, 'x')),",
    "    spawn: attempt(() => require('node:child_process').execFileSync('id')),",
    "    worker: attempt(() => new (require('node:worker_threads').Worker)('1', { eval: true })),",
    '  };',
    '}',
  ].join('\n'),
};

describe('a behaviour attacking the connector that runs it', () => {
  let stack: BehaviourStack;
  /** A real HTTP peer answering after 1 s (long enough for a burst to arrive whole), counting the requests it holds at once. */
  const peer = { server: undefined as Server | undefined, url: '', open: 0, most: 0, seen: 0 };
  beforeAll(async () => {
    peer.server = createServer((_request, response) => {
      peer.seen += 1;
      peer.most = Math.max(peer.most, (peer.open += 1));
      setTimeout(() => {
        peer.open -= 1;
        response.end('{}');
      }, 1_000);
    });
    await new Promise<void>((resolve) => peer.server!.listen(0, '127.0.0.1', resolve));
    peer.url = `http://127.0.0.1:${(peer.server.address() as AddressInfo).port}`;
    // What a worker's environment holds: its own credentials and the variables its config file reads.
    process.env.TETHER_ADMIN_TOKEN = 'env-admin-token-never-shown';
    process.env.TETHER_CODEC_KEY = 'env-codec-key-never-shown';
    process.env.ATTACK_TEST_TARGET_TOKEN = 'config-token-never-shown';
    stack = await startBehaviourStack({
      config: [
        'connectors:',
        '  - use: http',
        '    connectionInstances:',
        '      - id: TARGET',
        '        name: Target',
        '        behaviours: ["acme/prod"]',
        `        settings: { baseUrl: "${peer.url}", auth: { type: bearer, token: "\${ATTACK_TEST_TARGET_TOKEN}" } }`,
      ].join('\n'),
    });
    expect((await deploy(stack, hostile)).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    peer.server?.close();
    delete process.env.TETHER_ADMIN_TOKEN;
    delete process.env.TETHER_CODEC_KEY;
    delete process.env.ATTACK_TEST_TARGET_TOKEN;
  });

  it("reads none of the worker's secrets in process.env: the Behaviour Server inherits only what Node needs", async () => {
    const answer = await callBehaviour(stack, 'env', {});
    expect(answer.status).toBe(200);
    const seen = answer.body.output as Record<string, string>;
    expect(Object.keys(seen).filter((name) => name.startsWith('TETHER_'))).toEqual(['TETHER_BEHAVIOUR_LOG_LEVEL', 'TETHER_BEHAVIOURS_NETWORK']);
    expect(seen).not.toHaveProperty('ATTACK_TEST_TARGET_TOKEN');
    const text = JSON.stringify(seen);
    for (const value of ['env-admin-token-never-shown', 'env-codec-key-never-shown', 'config-token-never-shown', secret]) expect(text).not.toContain(value);
  });

  it('cannot take the worker down by writing malformed messages on the IPC channel: they are dropped, and calls go on', async () => {
    const before = (await connectorStatus(stack)).manager.pid;
    expect((await callBehaviour(stack, 'garbage', {})).body).toMatchObject({ output: 'sent' });
    const next = await callBehaviour(stack, 'ok', {});
    expect(next.body).toMatchObject({ output: 'still here' });
    expect((await connectorStatus(stack)).manager.pid).toBe(before);
    expect(stack.connector.lines.filter((line) => line.msg === 'behaviour server sent a message outside the protocol; ignored')).toHaveLength(9);
  });

  it('cannot run more than 16 connection calls at once: the rest are refused (429) and never reach the target', async () => {
    const answer = await callBehaviour(stack, 'burst', { calls: 100 });
    expect(answer.body.output).toEqual({ ok: 16, TooManyConnectionCallsError: 84 });
    expect(peer.most).toBeLessThanOrEqual(16);
    expect(peer.seen).toBe(16);
    // Once they finish, the next burst gets its 16 again.
    expect((await callBehaviour(stack, 'burst', { calls: 16 })).body.output).toEqual({ ok: 16 });
  });

  it('cannot fill the worker with an endless message on its channel: the manager reads at most 8 MiB of one, then kills the server', async () => {
    // Before: Node's IPC channel buffered any message whole in the worker (20 × 50 MB sent took it from 258 MB to 1.1 GB).
    const flooded = await callBehaviour(stack, 'flood', {});
    expect({ status: flooded.status, body: JSON.stringify(flooded.body).slice(0, 300) }).toMatchObject({ status: 502 });
    expect(flooded.body.error.code).toBe('BEHAVIOUR_SERVER_DIED');
    expect(flooded.body.error.message).toContain('it sent a message of more than 8388608 characters');
    expect((await callBehaviour(stack, 'ok', {})).body).toMatchObject({ output: 'still here' });
  }, 60_000);

  it('answers an output or error message too large for the history with a clear 422, not an execution stuck until its deadline', async () => {
    // Before: the workflow task outgrew Temporal's 4 MiB, failed on every retry, and the caller got 202 for a run that never ended.
    const answer = await callBehaviour(stack, 'big', { bytes: 3_000_000 });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({
      code: 'BEHAVIOUR_FAILED',
      message: "The behaviour's output is 3000002 bytes as JSON; at most 1000000 may be returned (it is recorded in the execution's history)",
      details: { errorName: 'OutputTooLarge' },
    });
    expect((await callBehaviour(stack, 'big', { bytes: 999_000 })).status).toBe(200);
    const thrown = await callBehaviour(stack, 'big', { bytes: 3_000_000, throw: true });
    expect(thrown.status).toBe(422);
    expect(thrown.body.error.message).toMatch(/^x{9973}… \(3000000 characters, cut\) \(at index.ts:\d+\)$/);
    expect((await callBehaviour(stack, 'ok', {})).body).toMatchObject({ output: 'still here' });
  }, 120_000);

  it("reads only its own scope's files: not the config file, another tenant's versions or the worker's /proc; starts nothing, writes nothing", async () => {
    const otherTenant = join(stack.behavioursDir, 'beta', 'prod', 'secret.ts');
    mkdirSync(dirname(otherTenant), { recursive: true });
    writeFileSync(otherTenant, 'export const token = "beta-source-never-shown";');
    const configFile = join(stack.behavioursDir, '..', `${stack.connectorId}.config.yaml`);
    const own = join(stack.behavioursDir, 'acme', 'prod', versionOf('index.ts', hostile), 'src', 'index.ts');
    const answer = await callBehaviour(stack, 'pry', { read: [configFile, otherTenant, `/proc/${process.pid}/environ`, '/etc/hostname', own], write: join(stack.behavioursDir, 'acme', 'prod', 'dropped.txt') });
    expect(answer.body.output).toEqual({
      read: { [configFile]: 'ERR_ACCESS_DENIED', [otherTenant]: 'ERR_ACCESS_DENIED', [`/proc/${process.pid}/environ`]: 'ERR_ACCESS_DENIED', '/etc/hostname': 'ERR_ACCESS_DENIED', [own]: 'done' },
      write: 'ERR_ACCESS_DENIED',
      spawn: 'ERR_ACCESS_DENIED',
      worker: 'ERR_ACCESS_DENIED',
    });
  });

  it('cannot bundle a file from outside its deployed files: the build fails at the import (400), naming it', async () => {
    const outside = join(stack.behavioursDir, '..', `${stack.connectorId}.outside.json`);
    writeFileSync(outside, '{"token": "outside-file-never-shown"}');
    for (const path of [outside, '../../../../beta/prod/secret.ts']) {
      const deployed = await deploy(stack, { 'index.ts': `import stolen from ${JSON.stringify(path)};\nexport async function leak() { return stolen; }\n` });
      expect(deployed.status).toBe(201);
      const answer = await callBehaviour(stack, 'leak', {});
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('BEHAVIOUR_BUILD_FAILED');
      expect(answer.body.error.message).toContain(`index.ts:1:20: ${JSON.stringify(path)} is outside the deployed files`);
      expect(JSON.stringify(answer.body)).not.toContain('never-shown');
    }
  });

  it("reads no file of the host through a tsconfig's extends or a source map comment", async () => {
    // A token file as the operator might keep one; another tenant's built source map.
    const tokenFile = join(stack.behavioursDir, '..', `${stack.connectorId}.token`);
    writeFileSync(tokenFile, 'token-file-never-shown\n');
    const otherMap = join(stack.behavioursDir, 'beta', 'prod', 'behaviour.js.map');
    writeFileSync(otherMap, JSON.stringify({ version: 3, sources: ['secret.ts'], sourcesContent: ['export const token = "beta-map-never-shown";'], mappings: 'AAAA', names: [] }));
    const files = {
      'tsconfig.json': JSON.stringify({ extends: tokenFile, compilerOptions: { target: 'es2022' } }),
      'index.ts': "export { peek } from './peek.js';\n",
      'peek.js': `export async function peek() { return require('node:fs').readFileSync(__filename + '.map', 'utf8'); }\n//# sourceMappingURL=${otherMap}\n`,
    };
    const deployed = await deploy(stack, files);
    expect(deployed.status).toBe(201);
    const answer = await callBehaviour(stack, 'peek', {});
    expect(answer.status).toBe(200);
    expect(answer.body.output).toContain('peek.js');
    expect(JSON.stringify(answer.body)).not.toContain('never-shown');
    const notJson = await deploy(stack, { ...files, 'tsconfig.json': `{ "extends": "${tokenFile}", }` });
    const refused = await callBehaviour(stack, 'peek', {});
    expect(notJson.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/tsconfig\.json:1: tsconfig\.json is not JSON/);
    expect(JSON.stringify(refused.body)).not.toContain('never-shown');
  });
});

describe("the hub's behaviour routes, attacked with bad bodies", () => {
  let stack: BehaviourStack;
  beforeAll(async () => {
    stack = await startBehaviourStack();
  }, 60_000);
  afterAll(() => stack?.stop());

  const put = (scope: string, body: unknown) =>
    fetch(`${stack.hub.url}/admin/behaviours/${scope}`, { method: 'PUT', headers: { ...hubAdmin, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('refuses every file path that could leave {tenant}/{environment}/{version}/src, naming files, and writes nothing', async () => {
    const paths = ['../escape.ts', 'a/../../escape.ts', '/etc/passwd.ts', 'C:\\evil.ts', 'a\\..\\..\\evil.ts', 'nul\u0000.ts', '.hidden.ts', 'a//b.ts', './index.ts', 'a/./b.ts', '', 'x'.repeat(201) + '.ts', 'index.ts/', '~/x.ts', '%2e%2e/x.ts'];
    for (const path of paths) {
      const response = await put('acme/prod', { files: { 'index.ts': 'export const a = 1;', [path]: 'export const b = 2;' } });
      const body = (await response.json()) as { error: { details: Record<string, unknown> } };
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(Object.keys(body.error.details).some((field) => field.startsWith('files'))).toBe(true);
    }
    const tooMany = Object.fromEntries(Array.from({ length: 201 }, (_, n) => [`f${n}.ts`, '']));
    expect((await put('acme/prod', { files: { ...tooMany, 'index.ts': '' } })).status).toBe(400);
    expect(existsSync(join(stack.behavioursDir, 'acme'))).toBe(false);
  });

  it('refuses a deployment where one path is both a file and a folder (it could never be written), naming files', async () => {
    for (const files of [
      { 'index.ts': 'export {}', 'lib.ts': '', 'lib.ts/inner.ts': '' },
      { 'index.ts': 'export {}', 'a/b.json': '{}', 'a/b.json/c.ts': '' },
    ]) {
      const response = await put('acme/prod', { files });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { details: Record<string, string> } };
      expect(JSON.stringify(body.error.details)).toContain('is both a file and a folder');
    }
  });

  it('refuses tenant and environment codes that are not one safe path segment, and a rollback body that is not a version', async () => {
    // (`acme/%2E%2E` is not here: fetch itself turns it into a dot segment; test/security/route-matrix.test.ts sends those raw.)
    for (const scope of ['..%2F..%2Fetc/prod', '.acme/prod', 'acme/pr%00d', `${'a'.repeat(65)}/prod`, 'acme/pr%5Cod']) {
      const response = await put(scope, { files: { 'index.ts': '' } });
      expect({ scope, status: response.status }).toEqual({ scope, status: 400 });
    }
    for (const body of [{ version: '../../../../etc/passwd' }, { version: 'ABCDEF0123456789' }, { version: ['0123456789abcdef'] }, {}, { version: '0123456789abcdef0' }]) {
      const response = await fetch(`${stack.hub.url}/admin/behaviours/acme/prod/rollback`, { method: 'POST', headers: { ...hubAdmin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    // A well-formed version the scope never had.
    const unknown = await fetch(`${stack.hub.url}/admin/behaviours/acme/prod/rollback`, { method: 'POST', headers: { ...hubAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ version: '0123456789abcdef' }) });
    expect(unknown.status).toBe(404);
    expect(readdirSync(stack.behavioursDir)).toEqual([]);
  });
});
