import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { missingSearchAttributes, namespaceExists, namespaceProblem, registerNamespace, registerSearchAttributes } from '../temporal/namespace-setup';
import { externalPostgres, startEmbeddedPostgres, type ClusterPostgres } from './postgres';
import { resolveServerBinaries } from './server-binaries';
import { choosePorts, setUpSchemas, startTemporalServer, writeServerConfig, type TemporalServer } from './temporal-server';
import { processPorts, TetherProcess } from './tether-processes';

export interface ClusterOptions {
  workers: number;
  apis: number;
  /** Where PostgreSQL's data, the server config and every log go. */
  dir: string;
  namespace: string;
  /** Ports: the Temporal frontend, the first API, the first worker's /metrics; 0 picks free ones. */
  temporalPort: number;
  apiPort: number;
  workerPort: number;
  /** An operator's PostgreSQL instead of the embedded one. */
  postgresUrl?: string;
  /** TETHER_API_WORKER of the APIs: with their own worker (eager start) or API-only. */
  apiWorker: boolean;
  /** Environment every Tether process starts with (credentials, codec key, data dir, log level). */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface Cluster {
  postgres: ClusterPostgres;
  temporal: TemporalServer;
  temporalAddress: string;
  apis: TetherProcess[];
  workers: TetherProcess[];
  /** How long each stage of the start took, in ms, in order. */
  stages: [string, number][];
  /** Stops the Temporal server (unless it is down already) and starts it again (same database, same ports); ms until the namespace answers. */
  restartTemporal(how: 'SIGTERM' | 'SIGKILL'): Promise<number>;
  /** Stops everything, APIs first, PostgreSQL last. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function retryFor<T>(ms: number, what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await sleep(250);
  }
}

/**
 * Creates the namespace on a fresh database and registers Tether's search attributes in it, then waits until
 * the frontend serves the namespace (its namespace cache refreshes every few seconds).
 */
async function prepareNamespace(address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const connection = await retryFor(60_000, `Temporal at ${address} did not answer`, () => Connection.connect({ address, connectTimeout: 2_000 }));
  try {
    await retryFor(60_000, 'Temporal did not serve requests', async () => {
      if (!(await namespaceExists(connection, namespace))) {
        log(`  creating namespace ${namespace}`);
        await registerNamespace(connection, namespace, 3);
      }
      return true;
    });
    await retryFor(60_000, `Search attributes could not be registered in ${namespace}`, async () => {
      const missing = await missingSearchAttributes(connection, namespace);
      if (missing.length) log(`  registering search attributes ${missing.map((key) => key.name).join(', ')}`);
      await registerSearchAttributes(connection, namespace, missing);
      return true;
    });
    await retryFor(60_000, `Namespace ${namespace} was not served`, async () => {
      if (await namespaceProblem(connection, { namespace, address })) return undefined;
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
      return true;
    });
  } finally {
    await connection.close();
  }
}

/**
 * The production topology of docker-compose.yml, natively (DESIGN §10): PostgreSQL, temporal-server on it with
 * schemas, namespace and search attributes, N `tether worker`s and M `tether api`s.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const stages: [string, number][] = [];
  const stage = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now();
    const value = await run();
    stages.push([name, Date.now() - startedAt]);
    return value;
  };
  const logDir = join(options.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };

  try {
    const binaries = await stage('build temporal-server', () => resolveServerBinaries({ log: options.log }));
    const postgres = await stage('start PostgreSQL', () =>
      options.postgresUrl ? Promise.resolve(externalPostgres(options.postgresUrl)) : startEmbeddedPostgres(join(options.dir, 'postgres'), 0),
    );
    stops.push(() => postgres.stop());
    await stage('create schemas', () => setUpSchemas(binaries, postgres));
    const ports = await choosePorts(options.temporalPort);
    const root = writeServerConfig(join(options.dir, 'temporal'), postgres, ports);
    let temporal = await stage('start temporal-server', () => startTemporalServer(binaries, root, ports.frontend));
    stops.push(() => temporal.process.stop().then(() => undefined));
    await stage('namespace and search attributes', () => prepareNamespace(temporal.address, options.namespace, options.log));

    const env = { ...options.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: options.namespace };
    const [workerPorts, apiPorts] = await Promise.all([processPorts(options.workerPort, options.workers), processPorts(options.apiPort, options.apis)]);
    const workers = workerPorts.map((port, index) => new TetherProcess({ role: 'worker', name: `worker${index + 1}`, port, env, logDir }));
    const apis = apiPorts.map(
      (port, index) => new TetherProcess({ role: 'api', name: `api${index + 1}`, port, env: { ...env, TETHER_API_WORKER: String(options.apiWorker) }, logDir }),
    );
    stops.push(() => Promise.all(workers.map((worker) => worker.stop())).then(() => undefined));
    stops.push(() => Promise.all(apis.map((api) => api.stop())).then(() => undefined));
    // Workers first: an API-only process is ready only once some worker polls.
    await stage(`start ${options.workers} workers`, () => Promise.all(workers.map((worker) => worker.start())));
    await stage(`start ${options.apis} APIs`, () => Promise.all(apis.map((api) => api.start())));

    return {
      postgres,
      get temporal() {
        return temporal;
      },
      temporalAddress: temporal.address,
      apis,
      workers,
      stages,
      async restartTemporal(how) {
        const startedAt = Date.now();
        if (temporal.process.done) {
          // Already down (killed by the caller).
        } else if (how === 'SIGKILL') {
          process.kill(temporal.process.pid, 'SIGKILL');
          await temporal.process.exited;
        } else {
          await temporal.process.stop();
        }
        temporal = await startTemporalServer(binaries, root, ports.frontend);
        await prepareNamespace(temporal.address, options.namespace, () => undefined);
        return Date.now() - startedAt;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
