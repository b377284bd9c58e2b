import { openSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGuarded, type GuardedProcess } from '../runtime/guarded-process';
import { freePort } from '../temporal/dev-server';
import { packageRoot } from './postgres';

export type TetherRole = 'api' | 'worker';

export interface TetherProcessSpec {
  role: TetherRole;
  /** `api1`, `worker2`, …: names the log file too. */
  name: string;
  /** The API's PORT, or the worker's TETHER_METRICS_PORT (its /health/live). */
  port: number;
  env: NodeJS.ProcessEnv;
  logDir: string;
}

/**
 * One `tether api` or `tether worker` child of the cluster, under the guard (it dies with the cluster).
 * `kill` and `restart` are what the kill test uses; `restart` answers how long the process took to be ready.
 */
export class TetherProcess {
  private current?: GuardedProcess;

  constructor(readonly spec: TetherProcessSpec) {}

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  get logFile(): string {
    return join(this.spec.logDir, `${this.spec.name}.log`);
  }

  /** Starts the process; resolves with the milliseconds until it was ready (API: /health/ready; worker: its worker RUNNING). */
  async start(readyTimeoutMs = 60_000): Promise<number> {
    const startedAt = Date.now();
    const log = openSync(this.logFile, 'a');
    const root = packageRoot();
    this.current = await spawnGuarded(process.execPath, [join(root, 'bin', 'tether.js'), this.spec.role], {
      cwd: root,
      env: {
        ...this.spec.env,
        ...(this.spec.role === 'api' ? { PORT: String(this.spec.port), HOST: '127.0.0.1' } : { TETHER_METRICS_PORT: String(this.spec.port) }),
      },
      stdout: log,
      stderr: log,
    });
    const readyPath = this.spec.role === 'api' ? '/health/ready' : '/health/live';
    while (!(await answersOk(`${this.url}${readyPath}`))) {
      if (this.current.done) throw new Error(`${this.spec.name} exited with ${await this.current.exited}; see ${this.logFile}`);
      if (Date.now() - startedAt > readyTimeoutMs) throw new Error(`${this.spec.name} was not ready within ${readyTimeoutMs / 1000} s; see ${this.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return Date.now() - startedAt;
  }

  /** SIGKILL, as a crash or the OOM killer would: no shutdown, no draining. */
  async kill(): Promise<void> {
    if (!this.current || this.current.done) return;
    process.kill(this.current.pid, 'SIGKILL');
    await this.current.exited;
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** A port for each process: consecutive from `base` (the operator's choice), or free ones when base is 0. */
export async function processPorts(base: number, count: number): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => (base ? base + index : freePort())));
}
