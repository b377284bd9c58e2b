import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnGuarded } from '../../src/runtime/guarded-process';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe('spawnGuarded', () => {
  it('reports the child pid, stops it on request and settles with its status', async () => {
    const guarded = await spawnGuarded('sleep', ['30']);
    expect(alive(guarded.pid)).toBe(true);
    expect(await guarded.stop()).toBe(143); // SIGTERM
    expect(guarded.done).toBe(true);
    expect(alive(guarded.pid)).toBe(false);
  });

  it('notices a child that is SIGKILLed (what the kill test does)', async () => {
    const guarded = await spawnGuarded('sleep', ['30']);
    process.kill(guarded.pid, 'SIGKILL');
    expect(await guarded.exited).toBe(137);
  });

  it('stops the child when the process that started it dies, even by SIGKILL (no orphan)', async () => {
    // A parent process that starts a guarded `sleep` and prints its pid; then we SIGKILL that parent.
    // The module is TypeScript: the parent compiles it with @swc/core (what jest uses) before loading it.
    const file = require.resolve('../../src/runtime/guarded-process');
    const parentScript = `
      const Module = require('node:module');
      const { code } = require('@swc/core').transformFileSync(${JSON.stringify(file)}, { jsc: { target: 'es2022' }, module: { type: 'commonjs' } });
      const loaded = new Module(${JSON.stringify(file)});
      loaded._compile(code, ${JSON.stringify(file)});
      loaded.exports.spawnGuarded('sleep', ['30']).then((g) => { console.log(g.pid); setInterval(() => {}, 1000); });`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
    const childPid = await new Promise<number>((resolve) => createInterface({ input: parent.stdout! }).once('line', (line) => resolve(Number(line))));
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitUntil(() => !alive(childPid))).toBe(true);
  });
});
