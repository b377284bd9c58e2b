import { MAX_RECORDED_OUTPUT_BYTES } from '../behaviours/limits';
import { BusinessError } from '../connectors/errors';

/** The outputs, or a business failure (422) naming their size when they could not be recorded. */
export function recordable<T>(outputs: T, action: string): T {
  const bytes = Buffer.byteLength(JSON.stringify(outputs) ?? '');
  if (bytes <= MAX_RECORDED_OUTPUT_BYTES) return outputs;
  throw new BusinessError(`The outputs of ${action} are ${bytes} bytes as JSON; at most ${MAX_RECORDED_OUTPUT_BYTES} may be returned (they are recorded in the execution's history)`);
}
