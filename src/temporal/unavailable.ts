/** gRPC status codes Tether reacts to (https://grpc.io/docs/guides/status-codes/). */
export const GrpcCode = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;

/**
 * How long a call that starts a run may wait for Temporal before the API answers 503 with Retry-After.
 * The SDK's native connection retries an unreachable server for 5–9 s and ignores deadlines and abort
 * signals while doing so (measured), so the wait is bounded by a race (README, "Health").
 */
export const TEMPORAL_CALL_DEADLINE_MS = 5_000;

/** What a 503 asks the caller to wait before retrying. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** Temporal did not answer within TEMPORAL_CALL_DEADLINE_MS. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';
}

/**
 * Is this error, or one of its causes, a gRPC error with this status code? Duck-typed on `code`: the native
 * connection's errors carry it without the shape `isGrpcServiceError` expects.
 */
export function isGrpcCode(err: unknown, code: number): boolean {
  return someCause(err, (cause) => (cause as { code?: unknown }).code === code);
}

/** Does this error, or one of its first five causes, pass the test? */
function someCause(err: unknown, test: (cause: Error) => boolean): boolean {
  for (let current = err, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof Error && test(current)) return true;
  }
  return false;
}

/**
 * The native connection was closed with this call in flight (the process is shutting down): the call's outcome
 * is unknown to this process, so the caller retries elsewhere. Matched by name, as the bridge's class is internal.
 */
function isDroppedByShutdown(err: unknown): boolean {
  return someCause(err, (cause) => cause.name === 'NativePromiseDroppedError');
}

/** Temporal could not be reached (or did not answer in time): the caller should retry later, nothing is broken. */
export function isTemporalUnavailable(err: unknown): boolean {
  return err instanceof TemporalUnavailableError || isGrpcCode(err, GrpcCode.UNAVAILABLE) || isGrpcCode(err, GrpcCode.DEADLINE_EXCEEDED) || isDroppedByShutdown(err);
}

/**
 * Settles like `call`, or rejects with TemporalUnavailableError after TEMPORAL_CALL_DEADLINE_MS. A call that
 * completes later still takes effect (a start that lands late runs; an Idempotency-Key retry attaches to it).
 */
export function withinTemporalDeadline<T>(call: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalUnavailableError(`${what}: no answer from Temporal within ${TEMPORAL_CALL_DEADLINE_MS} ms`)), TEMPORAL_CALL_DEADLINE_MS);
  });
  call.catch(() => undefined);
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}
