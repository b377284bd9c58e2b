/**
 * `npm run bench -- --cluster-scaling`: actions/s on the production topology (`tether cluster`: PostgreSQL,
 * temporal-server, `tether worker`s, one `tether api`) with 1 and with 2 workers. The API runs without a worker
 * (TETHER_API_WORKER=false), so every action goes through the task queue to the workers: the topology whose
 * action capacity grows with workers. 1 and 2 workers alternate in rounds (the second worker is started and
 * stopped between segments, then 3 s of unmeasured calls), so the machine's noise hits both alike. See README "Scaling out".
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startCluster } from '../src/cluster/cluster';
import { processPorts, TetherProcess } from '../src/cluster/tether-processes';
import { callJson } from './http-client';
import { note } from './progress';

export interface ClusterPoint {
  workers: number;
  actionsPerSecond: number;
  actions: number;
  seconds: number;
  /** Actions each process ran in this point's segments (from its tether_executions_total). */
  ranIn: Record<string, number>;
}

export interface ClusterScalingResult {
  apiWorker: false;
  concurrency: number;
  rounds: number;
  segmentSeconds: number;
  oneWorker: ClusterPoint | null;
  twoWorkers: ClusterPoint | null;
  /** Two workers' actions/s over one worker's. */
  ratio: number | null;
  loadAverage: { start: number[]; end: number[] };
  errors: number;
  firstError?: string;
  skipped?: string;
}

const credentials = {
  TETHER_ADMIN_TOKEN: randomBytes(16).toString('hex'),
  TETHER_SPI_USER: 'catalog',
  TETHER_SPI_PASSWORD: randomBytes(12).toString('hex'),
  TETHER_CODEC_KEY: randomBytes(32).toString('base64'),
};
const spiAuth = `Basic ${Buffer.from(`${credentials.TETHER_SPI_USER}:${credentials.TETHER_SPI_PASSWORD}`).toString('base64')}`;
const adminAuth = `Bearer ${credentials.TETHER_ADMIN_TOKEN}`;
const roundedLoad = () => loadavg().map((value) => Math.round(value * 100) / 100);

/** tether_executions_total of the example connector, per process, from each one's /metrics. */
async function executedBy(processes: TetherProcess[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const tether of processes) {
    const { body } = await callJson('GET', new URL('/metrics', tether.url), undefined, { authorization: adminAuth });
    totals[tether.spec.name] = String(body)
      .split('\n')
      .filter((line) => line.startsWith('tether_executions_total{') && line.includes('connector="myconnector"'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }
  return totals;
}

/** `concurrency` closed-loop callers of the example connector's action, each awaiting its 200, for `durationMs`. */
async function driveActions(api: TetherProcess, concurrency: number, durationMs: number) {
  const url = new URL('/myconnector/order_product', api.url);
  const started = performance.now();
  let actions = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < durationMs) {
        const answer = await callJson('POST', url, { connectionInstanceId: 'DEV', inputs: { recipient: 'capacity' } }, { authorization: spiAuth }).catch(
          (err: Error) => ({ status: 0, body: err.message }),
        );
        if (answer.status === 200) {
          actions++;
        } else {
          errors++;
          firstError ??= `answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }),
  );
  return { actions, ms: performance.now() - started, errors, firstError };
}

export async function runClusterScaling(options: { rounds: number; segmentMs: number; concurrency: number }): Promise<ClusterScalingResult> {
  const start = roundedLoad();
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-cluster-'));
  // Run as root, embedded PostgreSQL runs as a `postgres` user, which must be able to reach its data folder.
  chmodSync(dir, 0o755);
  const points = new Map<number, ClusterPoint>([1, 2].map((workers) => [workers, { workers, actionsPerSecond: 0, actions: 0, seconds: 0, ranIn: {} }]));
  let errors = 0;
  let firstError: string | undefined;
  note('Cluster scaling: starting PostgreSQL, temporal-server, one worker and one API-only Tether…');
  const cluster = await startCluster({
    workers: 1,
    apis: 1,
    dir,
    namespace: 'bench',
    temporalPort: 0,
    apiPort: 0,
    workerPort: 0,
    apiWorker: false,
    env: { ...process.env, ...credentials, TETHER_DATA_DIR: dir, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    log: () => undefined,
  });
  const [port] = await processPorts(0, 1);
  const second = new TetherProcess({ ...cluster.workers[0]!.spec, name: 'worker2', port: port! });
  try {
    const api = cluster.apis[0]!;
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which comes first, so neither always follows a worker start or stop.
      for (const workers of round % 2 === 0 ? [1, 2] : [2, 1]) {
        if (workers === 2) await second.start();
        else await second.stop();
        // A worker just started is JIT-cold, and one just stopped leaves its last tasks to finish: not measured.
        await driveActions(api, options.concurrency, 3_000);
        const processes = [api, cluster.workers[0]!, ...(workers === 2 ? [second] : [])];
        const before = await executedBy(processes);
        const segment = await driveActions(api, options.concurrency, options.segmentMs);
        const after = await executedBy(processes);
        const point = points.get(workers)!;
        point.actions += segment.actions;
        point.seconds += segment.ms / 1000;
        for (const [name, total] of Object.entries(after)) point.ranIn[name] = (point.ranIn[name] ?? 0) + total - (before[name] ?? 0);
        errors += segment.errors;
        firstError ??= segment.firstError;
        note(`  round ${round + 1}/${options.rounds}, ${workers} worker${workers > 1 ? 's' : ''}: ${(segment.actions / (segment.ms / 1000)).toFixed(1)} actions/s`);
      }
    }
  } finally {
    await second.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const point of points.values()) point.actionsPerSecond = +(point.actions / point.seconds).toFixed(1);
  const [one, two] = [points.get(1)!, points.get(2)!];
  return {
    apiWorker: false,
    concurrency: options.concurrency,
    rounds: options.rounds,
    segmentSeconds: options.segmentMs / 1000,
    oneWorker: one,
    twoWorkers: two,
    ratio: one.actionsPerSecond > 0 ? +(two.actionsPerSecond / one.actionsPerSecond).toFixed(2) : null,
    loadAverage: { start, end: roundedLoad() },
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

export function formatClusterScaling(result: ClusterScalingResult): string {
  if (result.skipped) return `cluster scaling: ${result.skipped}`;
  const line = (point: ClusterPoint | null) => (point ? `${point.actionsPerSecond} actions/s (ran in ${JSON.stringify(point.ranIn)})` : '—');
  return [
    `cluster scaling (API without a worker, ${result.concurrency} concurrent callers, ${result.rounds} rounds × ${result.segmentSeconds} s, load ${result.loadAverage.start[0]}→${result.loadAverage.end[0]}):`,
    `  1 worker:  ${line(result.oneWorker)}`,
    `  2 workers: ${line(result.twoWorkers)}  → ×${result.ratio ?? '—'}${result.errors ? `; ${result.errors} failed calls (${result.firstError})` : ''}`,
  ].join('\n');
}
