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

  constructor(
    readonly variant: string,
    readonly concurrency: number,
  ) {}

  percentileMs(percentile: number): number {
    return this.histogram.totalCount === 0 ? NaN : this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  throughputPerSec(): number {
    return this.elapsedMs === 0 ? NaN : (this.ops * 1000) / this.elapsedMs;
  }
}

/**
 * Runs `operation` from `concurrency` closed-loop lanes until `durationMs` has passed (calls in flight then
 * finish and count). Records into `into` when given; warm-up passes none.
 */
export async function runSegment(operation: Operation, concurrency: number, durationMs: number, into?: Measurement): Promise<void> {
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
    into.firstError ??= firstError;
  }
}
