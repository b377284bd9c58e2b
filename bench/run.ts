/**
 * `npm run bench [-- --quick] [--connectors N] [--skip-daemon] [--no-ablations]`: the SPI no-op through
 * Tether vs. plain Temporal vs. a direct call, interleaved in rounds in one process, then the daemon scale
 * run. Writes bench/results/<ISO date>.json and prints a one-screen table. See README "Benchmark".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchArgsError, parseBenchArgs, type BenchArgs } from './args';
import { formatBehaviours, runBehavioursBench, type BehavioursBenchResult } from './behaviours';
import { formatClusterScaling, runClusterScaling, type ClusterScalingResult } from './cluster-scaling';
import { runDaemonScale, type DaemonResult } from './daemon-run';
import { keepAliveAgent } from './http-client';
import { Measurement, measureIdleCpu, runSegment, type IdleCpu } from './load';
import { note, ProgressBar } from './progress';
import { daemonGoals, formatTable, ratiosOf, rowOf, type AblationRow, type BenchReport } from './report';
import { startBenchStack, type Variant } from './stack';

const projectRoot = resolve(__dirname, '..', '..');

function gitCommit(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return undefined;
  }
}

function sdkVersion(): string {
  return (require('@temporalio/worker/package.json') as { version: string }).version;
}

/** Rotates the variant order each round so no variant always follows the same one (noise hits all alike). */
function rotated<T>(items: T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function measure(args: BenchArgs, variants: Variant[], serverPid: number | undefined): Promise<{ measurements: Measurement[]; idle: IdleCpu }> {
  const measurements = new Map<string, Measurement>();
  for (const c of args.concurrencies) for (const variant of variants) measurements.set(`${variant.name}@${c}`, new Measurement(variant.name, c));
  const perRound = variants.length * args.concurrencies.length;
  const progress = new ProgressBar(perRound * (args.warmupMs + args.rounds * args.segmentMs));
  for (const c of args.concurrencies) {
    for (const variant of variants) {
      progress.render(`warm-up ${variant.name} c=${c}`);
      await runSegment(variant.operation, c, args.warmupMs);
      progress.advance(args.warmupMs, `warm-up ${variant.name} c=${c}`);
    }
  }
  progress.render('idle CPU');
  const idle = await measureIdleCpu(args.warmupMs, serverPid);
  for (let round = 0; round < args.rounds; round++) {
    for (const [i, c] of rotated(args.concurrencies, round).entries()) {
      for (const variant of rotated(variants, round + i)) {
        const label = `round ${round + 1}/${args.rounds}  ${variant.name} c=${c}`;
        progress.render(label);
        await runSegment(variant.operation, c, args.segmentMs, measurements.get(`${variant.name}@${c}`), serverPid);
        progress.advance(args.segmentMs, label);
      }
    }
  }
  progress.finish();
  return { measurements: [...measurements.values()], idle };
}

function environment(loadAtStart: number[], temporalCli: string): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemMb: Math.round(totalmem() / 1024 / 1024),
    freeMemMbAtEnd: Math.round(freemem() / 1024 / 1024),
    loadAverageAtStart: loadAtStart.map((value) => Math.round(value * 100) / 100),
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    temporalCli,
    temporalSdk: sdkVersion(),
    gitCommit: gitCommit(),
    note: 'One process hosts the dev server client side, Tether (API + worker), the plain worker and client, and the direct app; the dev server is a child process.',
  };
}

/** Writes the JSON report to bench/results/<ISO date>.json and answers its path. */
function writeReport(startedAt: string, report: unknown): string {
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

function clusterScaling(args: BenchArgs): Promise<ClusterScalingResult> {
  const options = { rounds: args.quick ? 2 : 3, segmentMs: args.quick ? 5_000 : 10_000, concurrency: 16 };
  return runClusterScaling(options).catch(
    (err: Error): ClusterScalingResult => ({
      apiWorker: false,
      ...options,
      segmentSeconds: options.segmentMs / 1000,
      oneWorker: null,
      twoWorkers: null,
      ratio: null,
      loadAverage: { start: [], end: [] },
      errors: 0,
      skipped: `failed: ${err.message}`,
    }),
  );
}

/** `--cluster-only`: the cluster scaling figure alone (no dev server, no latency rows). */
async function clusterOnly(args: BenchArgs): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const result = await clusterScaling(args);
  const file = writeReport(startedAt.toISOString(), { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), settings: { ...args }, environment: environment(loadAtStart, 'not used'), clusterScaling: result });
  process.stdout.write(`${formatClusterScaling(result)}\n\nWrote ${file}\n`);
  if (result.skipped || result.errors) process.exitCode = 1;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.clusterOnly) return clusterOnly(args);
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const stack = await startBenchStack({ ablations: args.ablations });
  let report: BenchReport;
  try {
    if (!args.daemonOnly) note(`Measuring ${(args.only ? stack.variants.filter((variant) => args.only!.includes(variant.name)) : stack.variants).map((v) => v.name).join(', ')} at concurrency ${args.concurrencies.join(' and ')}: ${args.rounds} rounds of ${args.segmentMs} ms segments after ${args.warmupMs} ms warm-up each.`);
    const selected = args.only ? stack.variants.filter((variant) => args.only!.includes(variant.name)) : stack.variants;
    if (args.only && selected.length !== args.only.length) {
      throw new BenchArgsError(`--only names unknown variants; known: ${stack.variants.map((variant) => variant.name).join(', ')}`);
    }
    const { measurements, idle } = args.daemonOnly ? { measurements: [], idle: undefined } : await measure(args, selected, stack.serverPid);
    const rows = measurements.map((measurement) => rowOf(measurement, idle!));
    const mainRows = rows.filter((row) => ['tether', 'tuned', 'plain', 'direct'].includes(row.variant));
    const ablations: AblationRow[] = rows
      .filter((row) => !mainRows.includes(row))
      .map((row) => {
        const variant = stack.variants.find((candidate) => candidate.name === row.variant)!;
        return { ...row, baseline: variant.baseline ?? 'tether', disables: variant.ablation ?? '', description: variant.description };
      });

    let daemon: DaemonResult;
    if (args.skipDaemon) {
      daemon = { connectors: args.connectors, secondsToAllRunning: null, workerRssMb: null, skipped: 'skipped: --skip-daemon' };
    } else {
      note(`Daemon scale run: ${args.connectors} integration connectors in one group…`);
      // Long enough to see how far from the goal a run ends (60 s at 10,000; a loaded 2-core machine starts ~15 a
      // second), short enough for a bench: 2 min, or 90 ms per connector.
      const timeoutMs = Math.max(120_000, args.connectors * 90);
      daemon = await runDaemonScale({ tetherUrl: stack.tetherUrl, adminToken: stack.adminToken, connectors: args.connectors, refreshSeconds: args.refreshSeconds, timeoutMs, idleSeconds: args.idleSeconds, maxCachedWorkflows: stack.maxCachedWorkflows }).catch(
        (err: Error): DaemonResult => ({ connectors: args.connectors, secondsToAllRunning: null, workerRssMb: null, skipped: `failed: ${err.message}` }),
      );
    }

    const behaviours: BehavioursBenchResult =
      args.skipBehaviours || args.daemonOnly
        ? { deployToFirstCallMs: [], deployToFirstCallMedianMs: NaN, runs: [], skipped: 'skipped: --skip-behaviours' }
        : await runBehavioursBench({ temporalAddress: stack.temporalAddress, workflowBundlePath: stack.workflowBundlePath, rounds: args.rounds, segmentMs: args.segmentMs, deploys: args.quick ? 3 : 5 }).catch(
            (err: Error): BehavioursBenchResult => ({ deployToFirstCallMs: [], deployToFirstCallMedianMs: NaN, runs: [], skipped: `failed: ${err.message}` }),
          );

    const cluster = args.clusterScaling ? await clusterScaling(args) : undefined;

    const { ratios, goals } = ratiosOf(mainRows, args.concurrencies);
    if (!daemon.skipped) goals.push(...daemonGoals(daemon));
    report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings: { ...args },
      environment: { ...environment(loadAtStart, stack.temporalCli), ...(idle ? { idleCpuMsPerSec: { process: Math.round(idle.processMsPerSec), mainThread: Math.round(idle.mainThreadMsPerSec), server: Math.round(idle.serverMsPerSec) } } : {}) },
      runs: mainRows.map(({ variant, concurrency, p50Ms, p95Ms, p99Ms, maxMs, meanMs, throughputPerSec, ops, errors, firstError, cpuMsPerCall }) => ({
        variant,
        concurrency,
        p50Ms,
        p95Ms,
        p99Ms,
        maxMs,
        meanMs,
        throughputPerSec,
        ops,
        errors,
        cpuMsPerCall,
        ...(firstError ? { firstError } : {}),
      })),
      ablations,
      ratios,
      goals,
      fastPath: {
        eagerStart: stack.eagerStart,
        variants: stack.variants.map(({ name, description, ablation, baseline }) => ({ name, description, ...(ablation ? { disables: ablation, baseline: baseline ?? 'tether' } : {}) })),
      },
      daemon,
      behaviours,
      ...(cluster ? { clusterScaling: cluster } : {}),
    };
    // Written before stopping: a worker that cannot finish its in-flight work (thousands of connector runs) may
    // leave the stop pending with nothing else alive, and Node then exits without running what follows.
    const file = writeReport(report.startedAt, report);
    process.stdout.write(
      `${formatTable(report)}\n${report.behaviours ? `\n${formatBehaviours(report.behaviours)}\n` : ''}${report.clusterScaling ? `\n${formatClusterScaling(report.clusterScaling)}\n` : ''}\nWrote ${file}\n`,
    );
  } finally {
    note('Stopping…');
    keepAliveAgent.destroy();
    await stack.stop();
  }

  const errors = [...report.runs, ...report.ablations].filter((row) => row.errors > 0);
  if (errors.length) {
    note(`Some calls failed: ${errors.map((row) => `${row.variant} c=${row.concurrency}: ${row.errors} (${row.firstError})`).join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  if (err instanceof BenchArgsError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
