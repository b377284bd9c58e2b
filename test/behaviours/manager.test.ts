import { mkdtempSync } from 'node:fs';
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

  it('starts Behaviour Servers with --inspect when TETHER_BEHAVIOURS_INSPECT is set, so a debugger attaches', async () => {
    const inspectPort = await freePort();
    const manager = new BehavioursManager(
      { dir: mkdtempSync(join(tmpdir(), 'tether-manager-')), maxBuilds: 10, lock: false, timeoutMs: 5_000, maxOldSpaceMb: 128, inspectPort },
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
});
