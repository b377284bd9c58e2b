import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ErrorBody } from '../contracts/errors';
import { isTemporalUnavailable, TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable';

/** An error the API answers with its own status and code; anything else becomes a 500 whose message is not exposed. */
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

/**
 * The 401 challenges: two headers, not one combined list, since Chromium only prompts for Basic when it is a
 * challenge of its own. A route may narrow them (`ctx.state.challenges`), e.g. where a prompt must not appear.
 */
export const defaultChallenges = ['Basic realm="tether", charset="UTF-8"', 'Bearer realm="tether"'];

/** The one error path: registered first, answers every failure with the JSON error body. */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const known = asApiError(err);
      if (known) {
        ctx.status = known.status;
        ctx.body = errorBody(known);
        if (known.status === 401) ctx.set('WWW-Authenticate', (ctx.state.challenges as string[] | undefined) ?? defaultChallenges);
        ctx.set(errorHeaders(known));
        return;
      }
      log.error({ err, method: ctx.method, path: ctx.path, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = 500;
      ctx.body = errorBody(new ApiError(500, 'INTERNAL', 'Internal error; see the server log for request ' + ctx.state.requestId));
    }
  };
}
