import type { BehavioursBenchResult } from './behaviours';
import type { DaemonResult } from './daemon-run';
import type { Measurement } from './load';

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
}

export interface AblationRow extends RunRow {
  /** The fast-path choice this variant switches off. */
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
  ratios: Record<string, number | null>;
  goals: Goal[];
  fastPath: Record<string, unknown>;
  daemon: DaemonResult;
  /** Deploy-to-first-call and behaviour vs built-in action through the hub (bench/behaviours.ts). */
  behaviours?: BehavioursBenchResult;
}

const round = (value: number, digits = 3) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : NaN);

export function rowOf(measurement: Measurement): RunRow {
  const h = measurement.histogram;
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
    ...(measurement.firstError ? { firstError: measurement.firstError } : {}),
  };
}

function find(rows: RunRow[], variant: string, concurrency: number): RunRow | undefined {
  return rows.find((row) => row.variant === variant && row.concurrency === concurrency);
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b || !Number.isFinite(a / b) ? null : round(a / b));

/** Ratios between variants in this run (only same-run ratios mean anything), and the issue's goals. */
export function ratiosOf(rows: RunRow[], concurrencies: number[]): { ratios: Record<string, number | null>; goals: Goal[] } {
  const ratios: Record<string, number | null> = {};
  for (const c of concurrencies) {
    for (const other of ['plain', 'direct']) {
      ratios[`p50 tether/${other} c=${c}`] = ratio(find(rows, 'tether', c)?.p50Ms, find(rows, other, c)?.p50Ms);
      ratios[`p99 tether/${other} c=${c}`] = ratio(find(rows, 'tether', c)?.p99Ms, find(rows, other, c)?.p99Ms);
      ratios[`throughput tether/${other} c=${c}`] = ratio(find(rows, 'tether', c)?.throughputPerSec, find(rows, other, c)?.throughputPerSec);
    }
  }
  const low = Math.min(...concurrencies);
  const high = Math.max(...concurrencies);
  const p50 = ratios[`p50 tether/plain c=${low}`] ?? null;
  const throughput = ratios[`throughput tether/plain c=${high}`] ?? null;
  const goals: Goal[] = [
    { name: `p50 tether/plain at c=${low}`, value: p50, goal: '<= 0.35', met: p50 === null ? null : p50 <= 0.35 },
    { name: `throughput tether/plain at c=${high}`, value: throughput, goal: '>= 3', met: throughput === null ? null : throughput >= 3 },
  ];
  return { ratios, goals };
}

export function daemonGoal(daemon: DaemonResult): Goal {
  const value = daemon.secondsToAllRunning;
  const name = `daemon: ${daemon.connectors} connectors RUNNING (s)`;
  if (daemon.connectors !== 1000) return { name, value, goal: '<= 30 s at 1000 connectors (not run at 1000)', met: null };
  return { name, value, goal: '<= 30', met: value === null ? false : value <= 30 };
}

const num = (value: number | null | undefined, digits = 2) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

/** The one-screen table: every row, the ratios the goals name, the A/B deltas, the daemon line. */
export function formatTable(report: BenchReport): string {
  const lines: string[] = [];
  const header = `${'variant'.padEnd(26)}${'c'.padStart(4)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ops/s'.padStart(9)}${'calls'.padStart(8)}${'err'.padStart(5)}`;
  const rowLine = (row: RunRow) =>
    `${row.variant.padEnd(26)}${String(row.concurrency).padStart(4)}${num(row.p50Ms).padStart(9)}${num(row.p95Ms).padStart(9)}${num(row.p99Ms).padStart(9)}${num(row.throughputPerSec, 0).padStart(9)}${String(row.ops).padStart(8)}${String(row.errors).padStart(5)}`;
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
  for (const other of ['plain', 'direct']) {
    const parts = concurrencies.map((c) => `p50 c=${c} ${num(report.ratios[`p50 tether/${other} c=${c}`])}×, ops/s c=${c} ${num(report.ratios[`throughput tether/${other} c=${c}`])}×`);
    lines.push(`tether/${other}: ${parts.join(';  ')}`);
  }
  for (const goal of report.goals) {
    lines.push(`goal ${goal.name}: ${num(goal.value)} (${goal.goal}) ${goal.met === null ? '' : goal.met ? 'MET' : 'NOT MET'}`);
  }
  if (report.ablations.length) {
    lines.push('', 'A/B (each switches one fast-path choice off; × = this variant / tether, same concurrency):');
    for (const row of report.ablations) {
      const base = report.runs.find((candidate) => candidate.variant === 'tether' && candidate.concurrency === row.concurrency);
      lines.push(
        `  without ${row.disables.padEnd(32)} c=${String(row.concurrency).padEnd(3)} p50 ${num(ratio(row.p50Ms, base?.p50Ms))}×  ops/s ${num(ratio(row.throughputPerSec, base?.throughputPerSec))}×`,
      );
    }
  }
  const eager = report.fastPath.eagerStart as { inProcessWorker: boolean; separateApi: boolean | null };
  lines.push('', `eager start granted: in-process worker ${eager.inProcessWorker ? 'yes' : 'NO'}${eager.separateApi === null ? '' : `, separate API ${eager.separateApi ? 'yes' : 'no'}`}`);
  const d = report.daemon;
  lines.push(
    d.skipped
      ? `daemon: skipped: ${d.skipped}`
      : `daemon: ${d.connectors} connectors ${d.secondsToAllRunning === null ? `not all RUNNING (timed out; ${JSON.stringify(d.statusCounts)})` : `RUNNING in ${num(d.secondsToAllRunning, 1)} s`}; process RSS ${num(d.workerRssMb, 0)} MB (before ${num(d.rssBeforeMb, 0)} MB)`,
  );
  return lines.join('\n');
}
