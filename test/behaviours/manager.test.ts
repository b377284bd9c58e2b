import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BehavioursManager } from '../../src/behaviours/manager';
import { ConnectorRegistry } from '../../src/connectors/registry';
import type { BehaviourBundle } from '../../src/contracts/behaviours';
import { versionOf } from '../../src/platform/behaviour-store';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// The manager on its own (no hub, no Temporal): versions come from a bundle the test hands it, as the link would.
describe('BehavioursManager', () => {
  const files = { 'index.ts': 'export async function add(input: { a: number; b: number }) { return input.a + input.b; }\n' };
  const bundle: BehaviourBundle = { version: versionOf('index.ts', files), entry: 'index.ts', files, createdAt: new Date().toISOString() };

  it('keeps its versions in a folder only its user can write, and refuses to start on one others can', async () => {
    const managerAt = (dir: string) => new BehavioursManager({ dir, maxBuilds: 10, lock: false, timeoutMs: 5_000, maxOldSpaceMb: 128, network: 'none' }, new ConnectorRegistry([]), pino({ level: 'silent' }), 'test');
    const fresh = join(mkdtempSync(join(tmpdir(), 'tether-manager-')), 'behaviours');
    await managerAt(fresh).init();
    expect(statSync(fresh).mode & 0o777).toBe(0o700);

    // As another local user could leave it in the shared temporary folder, ready to swap versions in.
    const open = mkdtempSync(join(tmpdir(), 'tether-manager-'));
    chmodSync(open, 0o777);
    await expect(managerAt(open).init()).rejects.toThrow(`Invalid setting TETHER_BEHAVIOURS_DIR: ${open} is writable by other users (mode 777); chmod go-w it, or choose another folder`);
  });

  it('starts Behaviour Servers with --inspect when TETHER_BEHAVIOURS_INSPECT is set, so a debugger attaches', async () => {
    const inspectPort = await freePort();
    const manager = new BehavioursManager(
      { dir: mkdtempSync(join(tmpdir(), 'tether-manager-')), maxBuilds: 10, lock: false, timeoutMs: 5_000, maxOldSpaceMb: 128, inspectPort, network: 'none' },
      new ConnectorRegistry([]),
      pino({ level: 'silent' }),
      'test',
    );
    try {
      manager.announce([{ tenant: 'acme', environment: 'dev', version: bundle.version }], async () => bundle);
      expect(await manager.prepare('acme', 'dev')).toEqual({ version: bundle.version, exports: ['add'] });
      const output = await manager.run({ tenant: 'acme', environment: 'dev', name: 'add', version: bundle.version, input: { a: 2, b: 3 }, timeoutMs: 5_000 }, 'test-execution');
      expect(output).toBe(5);
      const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
      expect(targets[0]).toMatchObject({ type: 'node', webSocketDebuggerUrl: expect.stringContaining(`127.0.0.1:${inspectPort}`) });
    } finally {
      await manager.close();
    }
  });

  it("relays a server's output lines with the scope it recorded: a behaviour cannot write a line that passes for the worker or another tenant, nor an endless one", async () => {
    const forging = {
      'index.ts': [
        'export async function forge() {',
        `  process.stdout.write(JSON.stringify({ level: 50, component: 'platform-link', pid: 1, tenant: 'beta', environment: 'prod', msg: 'forged by acme' }) + '\\n');`,
        "  process.stdout.write('plain text\\n');",
        "  process.stderr.write('x'.repeat(1_000_000));",
        "  process.stderr.write('\\nafter the long line\\n');",
        "  return 'written';",
        '}',
      ].join('\n'),
    };
    const forged: BehaviourBundle = { version: versionOf('index.ts', forging), entry: 'index.ts', files: forging, createdAt: new Date().toISOString() };
    const manager = new BehavioursManager(
      { dir: mkdtempSync(join(tmpdir(), 'tether-manager-')), maxBuilds: 10, lock: false, timeoutMs: 5_000, maxOldSpaceMb: 128, network: 'none' },
      new ConnectorRegistry([]),
      pino({ level: 'silent' }),
      'test',
    );
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const spies = [capture(process.stdout), capture(process.stderr)];
    try {
      manager.announce([{ tenant: 'acme', environment: 'prod', version: forged.version }], async () => forged);
      await manager.prepare('acme', 'prod');
      expect(await manager.run({ tenant: 'acme', environment: 'prod', name: 'forge', version: forged.version, input: null, timeoutMs: 5_000 }, 'test-execution')).toBe('written');
      const pid = manager.liveServers()[0]!.pid;
      const lines = () =>
        written
          .join('')
          .split('\n')
          .filter((line) => line.startsWith('{"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (let waited = 0; !lines().some((line) => line.msg === 'after the long line') && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const scope = { component: 'behaviour-server', pid, tenant: 'acme', environment: 'prod' };
      // stdout and stderr are two pipes: their lines interleave in any order, each stream's in its own.
      expect(lines()).toHaveLength(4);
      expect(lines()).toEqual(
        expect.arrayContaining([
          { level: 50, msg: 'forged by acme', ...scope },
          { level: 30, msg: 'plain text', ...scope },
          { level: 30, msg: `${'x'.repeat(16_384)}… (cut)`, ...scope },
          { level: 30, msg: 'after the long line', ...scope },
        ]),
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
      await manager.close();
    }
  });
});
