import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';

/** One call of a variant; throws when the answer is wrong, so an error is never counted as a fast success. */
export type Operation = () => Promise<void>;

/** What one variant at one concurrency accumulated over all its measured segments. */
export class Measurement {
  /** Latencies in microseconds (3 significant digits). */
  readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  ops = 0;
  errors = 0;
  /** Wall time of the measured segments: throughput is ops over this, so it only counts time this variant ran. */
  elapsedMs = 0;
  firstError: string | undefined;
  /** CPU time (user + system) this process spent during the measured segments, all threads: less noisy than latency on a shared machine. */
  processCpuMs = 0;
  /** Of which this process's main thread (HTTP, the Temporal client, Core callbacks, local activities, the load generator). */
  mainThreadCpuMs = 0;
  /** The same for the Temporal dev server process (a child), when its pid is known. */
  serverCpuMs = 0;

  constructor(
    readonly variant: string,
    readonly concurrency: number,
  ) {}

  percentileMs(percentile: number): number {
    return this.histogram.totalCount === 0 ? NaN : this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  /**
   * CPU per call, net of what the processes burn while no call runs (`idle`, CPU ms per second: pollers, timers, the
   * other variants' idle workers), so a slower variant is not charged more background CPU for taking longer.
   */
  cpuMsPerCall(idle: IdleCpu): { process: number; mainThread: number; server: number } {
    const seconds = this.elapsedMs / 1000;
    const net = (total: number, perSecond: number) => (this.ops ? Math.max(0, total - perSecond * seconds) / this.ops : NaN);
    return {
      process: net(this.processCpuMs, idle.processMsPerSec),
      mainThread: net(this.mainThreadCpuMs, idle.mainThreadMsPerSec),
      server: net(this.serverCpuMs, idle.serverMsPerSec),
    };
  }

  throughputPerSec(): number {
    return this.elapsedMs === 0 ? NaN : (this.ops * 1000) / this.elapsedMs;
  }
}

const clockTicksPerSecond = 100;

/** CPU ms per second the bench process and the dev server use with no call in flight. */
export interface IdleCpu {
  processMsPerSec: number;
  mainThreadMsPerSec: number;
  serverMsPerSec: number;
}

/** Measures {@link IdleCpu} over `durationMs` of doing nothing. */
export async function measureIdleCpu(durationMs: number, serverPid?: number): Promise<IdleCpu> {
  const cpuAtStart = process.cpuUsage();
  const mainAtStart = mainThreadCpuMs();
  const serverAtStart = serverPid === undefined ? NaN : processCpuMsOf(serverPid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    processMsPerSec: (cpu.user + cpu.system) / 1000 / seconds,
    mainThreadMsPerSec: (mainThreadCpuMs() - mainAtStart) / seconds,
    serverMsPerSec: serverPid === undefined ? NaN : (processCpuMsOf(serverPid) - serverAtStart) / seconds,
  };
}

/** CPU milliseconds (user + system) used so far, from a /proc stat file (Linux); NaN elsewhere. */
function cpuMsFromStat(path: string): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
  } catch {
    return NaN;
  }
}

/** CPU milliseconds a process has used so far. */
export const processCpuMsOf = (pid: number) => cpuMsFromStat(`/proc/${pid}/stat`);
/** CPU milliseconds this process's main thread (its task id is the pid) has used so far. */
const mainThreadCpuMs = () => cpuMsFromStat(`/proc/self/task/${process.pid}/stat`);

/**
 * Runs `operation` from `concurrency` closed-loop lanes until `durationMs` has passed (calls in flight then
 * finish and count). Records into `into` when given; warm-up passes none.
 */
export async function runSegment(operation: Operation, concurrency: number, durationMs: number, into?: Measurement, serverPid?: number): Promise<void> {
  const cpuAtStart = process.cpuUsage();
  const mainAtStart = mainThreadCpuMs();
  const serverCpuAtStart = serverPid === undefined ? NaN : processCpuMsOf(serverPid);
  const started = performance.now();
  const deadline = started + durationMs;
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await operation();
        if (into) into.histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
        ops++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
        // A failing variant must not spin: back off a little so the others still get the machine.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (into) {
    into.ops += ops;
    into.errors += errors;
    into.elapsedMs += performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    into.processCpuMs += (cpu.user + cpu.system) / 1000;
    into.mainThreadCpuMs += mainThreadCpuMs() - mainAtStart;
    if (serverPid !== undefined) into.serverCpuMs += processCpuMsOf(serverPid) - serverCpuAtStart;
    into.firstError ??= firstError;
  }
}
