import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster, type Cluster } from '../cluster/cluster';
import { TEMPORAL_SERVER_VERSION } from '../cluster/server-binaries';
import { resolveCredentials } from '../config/credentials';
import { parseSettings, SettingsError } from '../config/settings';
import { resolveCodecKeyRing } from '../temporal/codec';

export const clusterUsage = `Usage: tether cluster [--workers N] [--apis M] [--api-worker true|false] [--namespace NAME]
                      [--temporal-port P] [--api-port P] [--worker-port P] [--postgres-url postgres://user:password@host:port]
  Starts PostgreSQL (embedded unless --postgres-url), temporal-server ${TEMPORAL_SERVER_VERSION} on it (built once with Go), the schemas,
  namespace and search attributes, N workers (default 2) and M APIs (default 2). Ports default to 7233, 3000…, 9464…; 0 picks free ones.`;

function count(value: string, flag: string, min: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > 64) throw new SettingsError(`Invalid option ${flag}: expected a whole number from ${min} to 64, got ${value}`);
  return parsed;
}

function port(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new SettingsError(`Invalid option ${flag}: expected a port number (0-65535), got ${value}`);
  return parsed;
}

/** `tether cluster` (`npm run cluster`): the compose topology, natively, until Ctrl-C. */
export async function runCluster(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      workers: { type: 'string', default: '2' },
      apis: { type: 'string', default: '2' },
      'api-worker': { type: 'string' },
      namespace: { type: 'string' },
      'temporal-port': { type: 'string', default: '7233' },
      'api-port': { type: 'string' },
      'worker-port': { type: 'string', default: '9464' },
      'postgres-url': { type: 'string' },
    },
  });
  const startedAt = Date.now();
  const settings = parseSettings();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Created once in the data dir (outside production) and shared by every process through it.
  const credentials = resolveCredentials(settings);
  const codec = resolveCodecKeyRing(settings);
  const apiWorker = values['api-worker'] ?? String(settings.TETHER_API_WORKER);
  if (!['true', 'false'].includes(apiWorker)) throw new SettingsError(`Invalid option --api-worker: expected true or false, got ${apiWorker}`);
  const namespace = values.namespace ?? (process.env.TEMPORAL_NAMESPACE ? settings.TEMPORAL_NAMESPACE : 'tether');
  const dir = resolve(settings.TETHER_DATA_DIR, 'cluster');

  say(`Starting a Tether cluster in ${dir}…`);
  const cluster: Cluster = await startCluster({
    workers: count(values.workers, '--workers', 1),
    apis: count(values.apis, '--apis', 1),
    dir,
    namespace,
    temporalPort: port(values['temporal-port'], '--temporal-port'),
    apiPort: values['api-port'] === undefined ? settings.PORT : port(values['api-port'], '--api-port'),
    workerPort: port(values['worker-port'], '--worker-port'),
    postgresUrl: values['postgres-url'],
    apiWorker: apiWorker === 'true',
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
  say(`  PostgreSQL   ${cluster.postgres.host}:${cluster.postgres.port}${values['postgres-url'] ? '' : ` (embedded, data in ${join(dir, 'postgres')})`}`);
  say(`  Temporal     ${cluster.temporalAddress} (temporal-server ${TEMPORAL_SERVER_VERSION}, namespace ${namespace}; log ${cluster.temporal.logFile})`);
  for (const api of cluster.apis) say(`  ${api.spec.name.padEnd(12)} ${api.url}   (pid ${api.pid}, ${apiWorker === 'true' ? 'with its own worker' : 'API only'}; log ${api.logFile})`);
  for (const worker of cluster.workers) say(`  ${worker.spec.name.padEnd(12)} ${worker.url}/metrics   (pid ${worker.pid}; log ${worker.logFile})`);
  say(`  Logs         ${logs}`);
  say(`  Attach more  TEMPORAL_ADDRESS=${cluster.temporalAddress} TEMPORAL_NAMESPACE=${namespace} TETHER_DATA_DIR=${resolve(settings.TETHER_DATA_DIR)} npx tether worker`);
  if (credentials.generatedFile) {
    const c = credentials.credentials;
    say('');
    say(`Generated credentials (kept in ${credentials.generatedFile}; shown this once):`);
    say(`  admin token      ${c.adminToken}`);
    say(`  SPI basic auth   ${c.spiUser}:${c.spiPassword}`);
    say(`  SPI token        ${c.spiToken}`);
  }
  if (codec.generatedFile) say(`Created the payload encryption key ${codec.generatedFile} (keep it: runs cannot be read without it).`);
  say('Press Ctrl-C to stop everything.');
}
