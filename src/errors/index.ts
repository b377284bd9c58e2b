/*
 * Errors with a known answer (status, code, message), shared by the transport-independent services and the
 * HTTP layers above them; the Koa error middleware (src/api/errors.ts) renders them.
 */
import type { ErrorBody } from '../contracts/errors';
import { isTemporalUnavailable, TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable';

/** An error a service answers (the SPI, the daemon, the hub: over REST or the platform socket) with its own status and code; anything else becomes a 500 whose message is not exposed. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly executionId?: string,
  ) {
    super(message);
  }
}

/** Request validation failed; details map each bad field to its reasons. */
export class ValidationError extends ApiError {
  constructor(message: string, details: Record<string, string[]>) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

/** Temporal cannot be reached: 503 with Retry-After, so callers retry instead of giving up (never a 500). */
export class TemporalUnavailableApiError extends ApiError {
  readonly retryAfterSeconds = TEMPORAL_RETRY_AFTER_SECONDS;
  constructor() {
    super(503, 'TEMPORAL_UNAVAILABLE', `Temporal is not reachable; retry in ${TEMPORAL_RETRY_AFTER_SECONDS} s`);
  }
}

/** Headers an error answer carries besides its body. */
export function errorHeaders(err: ApiError): Record<string, string> {
  return err instanceof TemporalUnavailableApiError ? { 'Retry-After': String(err.retryAfterSeconds) } : {};
}

export class NotFoundError extends ApiError {
  constructor(message: string, details?: unknown) {
    super(404, 'NOT_FOUND', message, details);
  }
}


export function errorBody(err: ApiError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
      ...(err.executionId === undefined ? {} : { executionId: err.executionId }),
    },
  };
}

/** An error with a known answer: ours, Temporal being unreachable, or Koa's own HTTP errors (body parsing, ctx.throw: expose flag and status). */
export function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (isTemporalUnavailable(err)) return new TemporalUnavailableApiError();
  const httpError = err as { status?: number; expose?: boolean; message?: string };
  if (httpError && typeof httpError.status === 'number' && httpError.status < 500 && httpError.expose) {
    return new ApiError(httpError.status, 'BAD_REQUEST', httpError.message ?? 'Bad request');
  }
  return undefined;
}
