import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface TestPostgres {
  port: number;
  user: string;
  password: string;
  database: string;
  connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL on a random port (scripts/embedded-postgres.mjs, which `tether cluster` uses too). Closing its stdin stops it, which
 * also happens if the test process dies, so no server outlives the test file.
 */
export function startTestPostgres(): Promise<TestPostgres> {
  const script = join(__dirname, '..', '..', 'scripts', 'embedded-postgres.mjs');
  const child = spawn(process.execPath, [script, '--database', 'tether_test'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}: ${stderr.trim()}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { port, password, database } = JSON.parse(line) as { port: number; password: string; database: string };
      resolve({
        port,
        user: 'postgres',
        password,
        database,
        connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
        async stop() {
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}
