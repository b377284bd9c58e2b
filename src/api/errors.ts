import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError, asApiError, errorBody, errorHeaders, NotFoundError } from '../errors';

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
