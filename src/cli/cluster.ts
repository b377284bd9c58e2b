import { join, resolve } from 'node:path';
import { startCluster, type Cluster } from '../cluster/cluster';
import { TEMPORAL_SERVER_VERSION } from '../cluster/server-binaries';
import { resolveCredentials } from '../config/credentials';
import { parseSettings } from '../config/settings';
import { resolveCodecKeyRing } from '../temporal/codec';
import { printGeneratedSecrets } from './generated-secrets';

/** The options of `tether cluster` as commander parsed them (src/cli/main.ts). */
export interface ClusterCliOptions {
  workers: number;
  apis: number;
  apiWorker?: boolean;
  namespace?: string;
  temporalPort: number;
  apiPort?: number;
  workerPort: number;
  postgresUrl?: string;
}

/** `tether cluster` (`npm run cluster`): the compose topology, natively, until Ctrl-C. */
export async function runCluster(options: ClusterCliOptions): Promise<void> {
  const startedAt = Date.now();
  const settings = parseSettings();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Created once in the data dir (outside production) and shared by every process through it.
  const credentials = resolveCredentials(settings);
  const codec = resolveCodecKeyRing(settings);
  const apiWorker = options.apiWorker ?? settings.TETHER_API_WORKER;
  const namespace = options.namespace ?? (process.env.TEMPORAL_NAMESPACE ? settings.TEMPORAL_NAMESPACE : 'tether');
  const dir = resolve(settings.TETHER_DATA_DIR, 'cluster');

  say(`Starting a Tether cluster in ${dir}…`);
  const cluster: Cluster = await startCluster({
    workers: options.workers,
    apis: options.apis,
    dir,
    namespace,
    temporalPort: options.temporalPort,
    apiPort: options.apiPort ?? settings.PORT,
    workerPort: options.workerPort,
    postgresUrl: options.postgresUrl,
    apiWorker,
    env: { ...process.env, TETHER_DATA_DIR: resolve(settings.TETHER_DATA_DIR), LOG_LEVEL: settings.LOG_LEVEL },
    log: say,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the APIs, workers, temporal-server and PostgreSQL…`);
    void cluster.stop().then(() => {
      say('Stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const logs = join(dir, 'logs');
  say('');
  say(`Tether cluster is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${cluster.stages.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ')})`);
  say(`  PostgreSQL   ${cluster.postgres.host}:${cluster.postgres.port}${options.postgresUrl ? '' : ` (embedded, data in ${join(dir, 'postgres')})`}`);
  say(`  Temporal     ${cluster.temporalAddress} (temporal-server ${TEMPORAL_SERVER_VERSION}, namespace ${namespace}; log ${cluster.temporal.logFile})`);
  for (const api of cluster.apis) say(`  ${api.spec.name.padEnd(12)} ${api.url}   (pid ${api.pid}, ${apiWorker ? 'with its own worker' : 'API only'}; log ${api.logFile})`);
  for (const worker of cluster.workers) say(`  ${worker.spec.name.padEnd(12)} ${worker.url}/metrics   (pid ${worker.pid}; log ${worker.logFile})`);
  say(`  Logs         ${logs}`);
  say(`  Attach more  TEMPORAL_ADDRESS=${cluster.temporalAddress} TEMPORAL_NAMESPACE=${namespace} TETHER_DATA_DIR=${resolve(settings.TETHER_DATA_DIR)} npx tether worker`);
  printGeneratedSecrets(say, credentials, codec);
  say('Press Ctrl-C to stop everything.');
}
