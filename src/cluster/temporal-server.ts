import { execFile } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { spawnGuarded, type GuardedProcess } from '../runtime/guarded-process';
import { createServer } from 'node:net';
import { canConnect, freePort } from '../temporal/dev-server';
import type { ClusterPostgres } from './postgres';
import type { ServerBinaries } from './server-binaries';

const DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

/**
 * Creates the two databases and brings their schemas to the version the server expects, with the server's own
 * `temporal-sql-tool` and the schemas of its module — the admin-tools job of the compose file. Safe to rerun:
 * an existing database or initial schema is kept (`--quiet`), `update-schema` applies only what is missing.
 */
export async function setUpSchemas(binaries: ServerBinaries, postgres: ClusterPostgres): Promise<void> {
  const run = promisify(execFile);
  for (const database of DATABASES) {
    const base = ['--plugin', 'postgres12', '--ep', postgres.host, '-p', String(postgres.port), '-u', postgres.user, '--db', database.name];
    const env = { ...process.env, SQL_PASSWORD: postgres.password };
    const tool = (args: string[]) =>
      run(binaries.sqlTool, [...base, ...args], { env }).catch((err: Error & { stderr?: string }) => {
        throw new Error(`temporal-sql-tool ${args[0]} on ${database.name} failed: ${(err.stderr ?? err.message).trim().split('\n').slice(-2).join(' | ')}`);
      });
    await tool(['--quiet', 'create-database']);
    await tool(['--quiet', 'setup-schema', '-v', '0.0']);
    await tool(['update-schema', '-d', join(binaries.postgresSchemaDir, database.schema, 'versioned')]);
  }
}

export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below 32768: the SQL schema keeps membership ports in a `smallint` (found out the hard way:
 * `value "34987" is out of range for type smallint`), and the OS hands out ephemeral ports above it.
 */
async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canBind(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('No free port between 20000 and 32000 for temporal-server membership');
}

/** The frontend on `frontendPort` (0: any free port); every internal port free. */
export async function choosePorts(frontendPort: number): Promise<TemporalServerPorts> {
  const [frontend, frontendHttp, history, matching, worker] = await Promise.all([frontendPort || freePort(), ...Array.from({ length: 4 }, () => freePort())]);
  const taken = new Set<number>();
  const [mFrontend, mHistory, mMatching, mWorker] = [await freeMembershipPort(taken), await freeMembershipPort(taken), await freeMembershipPort(taken), await freeMembershipPort(taken)];
  return { frontend, frontendHttp, history, matching, worker, membership: { frontend: mFrontend, history: mHistory, matching: mMatching, worker: mWorker } };
}

/** Writes `<dir>/config/development.yaml` and the dynamic config it points at; returns the root to start from. */
export function writeServerConfig(dir: string, postgres: ClusterPostgres, ports: TemporalServerPorts): string {
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': datastore('temporal', 20), 'postgres-visibility': datastore('temporal_visibility', 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend, ports.membership.frontend, ports.frontendHttp),
      history: service(ports.history, ports.membership.history),
      matching: service(ports.matching, ports.membership.matching),
      worker: service(ports.worker, ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: join(configDir, 'dynamicconfig.yaml'), pollInterval: '10s' },
  };
  // As the dev server of `npm start` (DESIGN §2): eager activities on, no outbound version check.
  const dynamicConfig = {
    'system.enableActivityEagerExecution': [{ value: true }],
    'frontend.enableServerVersionCheck': [{ value: false }],
  };
  writeFileSync(join(configDir, 'development.yaml'), stringify(config), { mode: 0o600 });
  writeFileSync(join(configDir, 'dynamicconfig.yaml'), stringify(dynamicConfig));
  return dir;
}

export interface TemporalServer {
  address: string;
  process: GuardedProcess;
  logFile: string;
}

/** Starts temporal-server (all four services in one process) under the guard; resolves once the frontend listens. */
export async function startTemporalServer(binaries: ServerBinaries, root: string, frontendPort: number): Promise<TemporalServer> {
  const logFile = join(root, 'temporal-server.log');
  const log = openSync(logFile, 'a');
  const server = await spawnGuarded(binaries.server, ['--root', root, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], {
    stdout: log,
    stderr: log,
  });
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(frontendPort))) {
    if (server.done) throw new Error(`temporal-server exited with ${await server.exited}; see ${logFile}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`temporal-server did not listen on ${frontendPort} within 60 s; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { address: `127.0.0.1:${frontendPort}`, process: server, logFile };
}
