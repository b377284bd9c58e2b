import type { BehavioursBenchResult } from './behaviours';
import type { ClusterScalingResult } from './cluster-scaling';
import type { DaemonResult } from './daemon-run';
import type { IdleCpu, Measurement } from './load';

export interface RunRow {
  variant: string;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  throughputPerSec: number;
  ops: number;
  errors: number;
  firstError?: string;
  /**
   * CPU ms per call of the bench process (all its threads: client, Tether, workers) and of the Temporal dev server,
   * net of their idle CPU: on a shared machine this moves far less than latency does, so it is the A/B figure to trust.
   */
  cpuMsPerCall: { process: number; mainThread: number; server: number };
}

export interface AblationRow extends RunRow {
  /** The variant this one differs from by one thing. */
  baseline: string;
  /** That one thing: a fast-path choice switched off, or a cost of Tether's added. */
  disables: string;
  description: string;
}

export interface Goal {
  name: string;
  value: number | null;
  goal: string;
  met: boolean | null;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  settings: Record<string, unknown>;
  environment: Record<string, unknown>;
  runs: RunRow[];
  ablations: AblationRow[];
  ratios: Ratios;
  goals: Goal[];
  fastPath: Record<string, unknown>;
  daemon: DaemonResult;
  /** Deploy-to-first-call and behaviour vs built-in action through the hub (bench/behaviours.ts). */
  behaviours?: BehavioursBenchResult;
  /** Actions/s on the cluster topology with 1 and 2 workers (`--cluster-scaling`). */
  clusterScaling?: ClusterScalingResult;
}

const round = (value: number, digits = 3) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : NaN);

export function rowOf(measurement: Measurement, idle: IdleCpu): RunRow {
  const h = measurement.histogram;
  const cpu = measurement.cpuMsPerCall(idle);
  return {
    variant: measurement.variant,
    concurrency: measurement.concurrency,
    p50Ms: round(measurement.percentileMs(50)),
    p95Ms: round(measurement.percentileMs(95)),
    p99Ms: round(measurement.percentileMs(99)),
    maxMs: round(h.totalCount ? h.maxValue / 1000 : NaN),
    meanMs: round(h.totalCount ? h.mean / 1000 : NaN),
    throughputPerSec: round(measurement.throughputPerSec(), 1),
    ops: measurement.ops,
    errors: measurement.errors,
    cpuMsPerCall: { process: round(cpu.process), mainThread: round(cpu.mainThread), server: round(cpu.server) },
    ...(measurement.firstError ? { firstError: measurement.firstError } : {}),
  };
}

function find(rows: RunRow[], variant: string, concurrency: number): RunRow | undefined {
  return rows.find((row) => row.variant === variant && row.concurrency === concurrency);
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b || !Number.isFinite(a / b) ? null : round(a / b));

/** The references Tether is compared with: `tuned` (the goals' reference), `plain`, `direct`. */
export const REFERENCES = ['tuned', 'plain', 'direct'] as const;
export type Reference = (typeof REFERENCES)[number];
/** `ratios.tetherVsTuned` etc.: `p50 c=1` is tether's p50 over the reference's (lower is better), `throughput c=32` the other way round. */
export type Ratios = Record<`tetherVs${Capitalize<Reference>}`, Record<string, number | null>>;

const ratioKey = (reference: Reference) => `tetherVs${reference[0]!.toUpperCase()}${reference.slice(1)}` as keyof Ratios;

/** Ratios between variants in this run (only same-run ratios mean anything), and the issue's goals (against `tuned`). */
export function ratiosOf(rows: RunRow[], concurrencies: number[]): { ratios: Ratios; goals: Goal[] } {
  const ratios = {} as Ratios;
  for (const reference of REFERENCES) {
    const entry: Record<string, number | null> = {};
    for (const c of concurrencies) {
      const tether = find(rows, 'tether', c);
      const other = find(rows, reference, c);
      entry[`p50 c=${c}`] = ratio(tether?.p50Ms, other?.p50Ms);
      entry[`p99 c=${c}`] = ratio(tether?.p99Ms, other?.p99Ms);
      entry[`throughput c=${c}`] = ratio(tether?.throughputPerSec, other?.throughputPerSec);
    }
    ratios[ratioKey(reference)] = entry;
  }
  const low = Math.min(...concurrencies);
  const high = Math.max(...concurrencies);
  const p50 = ratios.tetherVsTuned[`p50 c=${low}`] ?? null;
  const throughput = ratios.tetherVsTuned[`throughput c=${high}`] ?? null;
  const goals: Goal[] = [
    { name: `p50 tether/tuned at c=${low}`, value: p50, goal: '<= 1.0', met: p50 === null ? null : p50 <= 1.0 },
    { name: `throughput tether/tuned at c=${high}`, value: throughput, goal: '>= 1.0', met: throughput === null ? null : throughput >= 1.0 },
  ];
  return { ratios, goals };
}

/** The daemon goals (issue #16): at 10,000 connectors, all RUNNING within 60 s, RSS within 1.5 GB, one status call within 1 s. */
export function daemonGoals(daemon: DaemonResult): Goal[] {
  const atScale = daemon.connectors >= 10_000;
  const scaled = (goal: string) => (atScale ? goal : `${goal} at 10,000 connectors (run at ${daemon.connectors})`);
  const met = (value: number | null | undefined, limit: number) => (!atScale ? null : value === null || value === undefined ? false : value <= limit);
  return [
    { name: `daemon: ${daemon.connectors} connectors RUNNING (s)`, value: daemon.secondsToAllRunning, goal: scaled('<= 60'), met: met(daemon.secondsToAllRunning, 60) },
    { name: 'daemon: worker RSS, peak (MB)', value: daemon.workerRssPeakMb ?? daemon.workerRssMb, goal: scaled('<= 1536'), met: met(daemon.workerRssPeakMb ?? daemon.workerRssMb, 1536) },
    { name: 'daemon: GET status of all connectors (ms, median)', value: daemon.statusMs?.p50 ?? null, goal: scaled('<= 1000'), met: met(daemon.statusMs?.p50, 1000) },
  ];
}

const num = (value: number | null | undefined, digits = 2) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** The one-screen table: every row, the ratios the goals name, the A/B deltas, the daemon line. */
export function formatTable(report: BenchReport): string {
  const lines: string[] = [];
  const header = `${'variant'.padEnd(26)}${'c'.padStart(4)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ops/s'.padStart(9)}${'calls'.padStart(8)}${'err'.padStart(5)}${'cpu ms/call'.padStart(13)}${'main'.padStart(7)}${'server'.padStart(8)}`;
  const rowLine = (row: RunRow) =>
    `${row.variant.padEnd(26)}${String(row.concurrency).padStart(4)}${num(row.p50Ms).padStart(9)}${num(row.p95Ms).padStart(9)}${num(row.p99Ms).padStart(9)}${num(row.throughputPerSec, 0).padStart(9)}${String(row.ops).padStart(8)}${String(row.errors).padStart(5)}${num(row.cpuMsPerCall.process).padStart(13)}${num(row.cpuMsPerCall.mainThread).padStart(7)}${num(row.cpuMsPerCall.server).padStart(8)}`;
  lines.push(header, '-'.repeat(header.length));
  const all = [...report.runs, ...report.ablations].sort((a, b) => a.concurrency - b.concurrency);
  let lastConcurrency: number | undefined;
  for (const row of all) {
    if (lastConcurrency !== undefined && row.concurrency !== lastConcurrency) lines.push('');
    lastConcurrency = row.concurrency;
    lines.push(rowLine(row));
  }
  lines.push('');
  const concurrencies = [...new Set(report.runs.map((row) => row.concurrency))];
  for (const reference of REFERENCES) {
    const entry = report.ratios[ratioKey(reference)];
    const parts = concurrencies.map((c) => `p50 c=${c} ${num(entry[`p50 c=${c}`])}×, ops/s c=${c} ${num(entry[`throughput c=${c}`])}×`);
    lines.push(`tether/${reference}: ${parts.join(';  ')}`);
  }
  for (const goal of report.goals) {
    lines.push(`goal ${goal.name}: ${num(goal.value)} (${goal.goal}) ${goal.met === null ? '' : goal.met ? 'MET' : 'NOT MET'}`);
  }
  if (report.ablations.length) {
    lines.push('', 'A/B (each differs from its baseline by one thing; × = this variant / baseline, same concurrency):');
    for (const row of report.ablations) {
      const base = [...report.runs, ...report.ablations].find((candidate) => candidate.variant === row.baseline && candidate.concurrency === row.concurrency);
      lines.push(
        `  ${row.variant.padEnd(24)} vs ${row.baseline.padEnd(7)} ${row.disables.padEnd(44)} c=${String(row.concurrency).padEnd(3)} p50 ${num(ratio(row.p50Ms, base?.p50Ms))}×  ops/s ${num(ratio(row.throughputPerSec, base?.throughputPerSec))}×  cpu/call ${num(ratio(row.cpuMsPerCall.process, base?.cpuMsPerCall.process))}×`,
      );
    }
  }
  const eager = report.fastPath.eagerStart as { inProcessWorker: boolean; tuned: boolean; separateApi: boolean | null };
  lines.push('', `eager start granted: tuned ${eager.tuned ? 'yes' : 'NO'}, in-process worker ${eager.inProcessWorker ? 'yes' : 'NO'}${eager.separateApi === null ? '' : `, separate API ${eager.separateApi ? 'yes' : 'no'}`}`);
  const d = report.daemon;
  lines.push(
    d.skipped
      ? `daemon: skipped: ${d.skipped}`
      : `daemon: ${d.connectors} connectors ${d.secondsToAllRunning === null ? `not all RUNNING (timed out; ${JSON.stringify(d.statusCounts)})` : `RUNNING in ${num(d.secondsToAllRunning, 1)} s`}; process RSS ${num(d.workerRssMb, 0)} MB (peak ${num(d.workerRssPeakMb, 0)}, before ${num(d.rssBeforeMb, 0)} MB; workflow cache ${d.maxCachedWorkflows ?? 'the SDK default'})${d.statusMs ? `; GET status ${d.statusMs.p50} ms (max ${d.statusMs.max})` : ''}${d.idleCpuPercent === undefined ? '' : `; idle CPU ${num(d.idleCpuPercent, 1)}% of a core${d.idleTemporalCpuPercent == null ? '' : ` + ${num(d.idleTemporalCpuPercent, 1)}% Temporal`}`}${d.startupCpuSeconds ? `; CPU to all RUNNING ${num(d.startupCpuSeconds.process, 1)} s process + ${num(d.startupCpuSeconds.temporal ?? NaN, 1)} s Temporal; status CPU ${d.statusCpuMs} ms; load ${d.loadAverage}` : ''}${d.cpuMsPerRefresh ? `; ${d.idleRefreshes} refreshes in ${d.idleCpuSeconds} s idle (every ${d.refreshIntervalSeconds} s): ${num(d.cpuMsPerRefresh.process, 1)} ms process + ${num(d.cpuMsPerRefresh.temporal ?? NaN, 1)} ms Temporal CPU each` : ''}`,
  );
  return lines.join('\n');
}
