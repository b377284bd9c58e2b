import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DevProcess {
  apiUrl: string;
  /** The Temporal UI's workflow list, as `tether dev` prints it. */
  uiWorkflowsUrl: string;
  uiUrl: string;
  /** How long from spawning `tether dev` to its "ready" line. */
  readyMs: number;
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * `tether dev` (what `npm start` runs) from a built package, as a child process on free ports with its own
 * data folder: the embedded Temporal server with its Web UI, the loopback codec, a worker and the API.
 */
export async function startDevProcess(packageRoot: string, env: Record<string, string>): Promise<DevProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'tether-dev-'));
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [join(packageRoot, 'bin', 'tether.js'), 'dev'], {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      TEMPORAL_DEV_PORT: '0',
      TEMPORAL_UI_PORT: '0',
      TETHER_DATA_DIR: join(cwd, '.tether'),
      TEMPORAL_CLI_PATH: process.env.TETHER_TEST_TEMPORAL_BINARY!,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tether dev was not ready within 120 s:\n${out}\n${err}`)), 120_000);
    child.stdout!.on('data', () => {
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tether dev exited with ${code}:\n${out}\n${err}`));
    });
  });
  const readyMs = Date.now() - started;
  const apiUrl = /API\s+(http:\/\/\S+)/.exec(out)![1]!;
  const uiWorkflowsUrl = /Temporal UI\s+(http:\/\/\S+)/.exec(out)![1]!;
  return {
    apiUrl,
    uiWorkflowsUrl,
    uiUrl: new URL(uiWorkflowsUrl).origin,
    readyMs,
    stdout: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      // Its data folder: the embedded server's database, generated credentials, codec key.
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
