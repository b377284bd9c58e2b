import { BusinessError } from '../connectors/errors';

/**
 * Largest outputs an action may return (as JSON, UTF-8). They are recorded in the execution's history (twice on
 * the fast path: the local activity's marker and the result), and a workflow task over Temporal's 4 MiB never
 * completes: the execution would hang, RUNNING, until its deadline.
 */
export const MAX_RECORDED_OUTPUT_BYTES = 1_000_000;

/** The outputs, or a business failure (422) naming their size when they could not be recorded. */
export function recordable<T>(outputs: T, action: string): T {
  const bytes = Buffer.byteLength(JSON.stringify(outputs) ?? '');
  if (bytes <= MAX_RECORDED_OUTPUT_BYTES) return outputs;
  throw new BusinessError(`The outputs of ${action} are ${bytes} bytes as JSON; at most ${MAX_RECORDED_OUTPUT_BYTES} may be returned (they are recorded in the execution's history)`);
}
