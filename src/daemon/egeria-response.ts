import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError } from '../api/errors';

/** Egeria response classes the admin and daemon endpoints answer with. */
export type EgeriaResponseClass = 'VoidResponse' | 'IntegrationGroupsResponse' | 'IntegrationDaemonStatusResponse';

const ffdc = 'org.odpi.openmetadata.frameworks.connectors.ffdc';

function exceptionClassName(status: number): string {
  if (status === 401 || status === 403) return `${ffdc}.UserNotAuthorizedException`;
  if (status < 500) return `${ffdc}.InvalidParameterException`;
  return `${ffdc}.PropertyServerException`;
}

/** A successful Egeria answer: the class, relatedHTTPCode 200 and the payload fields. */
export function egeriaOk(responseClass: EgeriaResponseClass, fields: Record<string, unknown> = {}) {
  return { class: responseClass, relatedHTTPCode: 200, ...fields };
}

/**
 * Answers errors the Egeria way (seed 001): the response class with relatedHTTPCode, exceptionClassName
 * and exceptionErrorMessage, and a matching HTTP status. Unexpected errors are logged, their message not exposed.
 */
export function egeriaErrors(responseClass: EgeriaResponseClass, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const known = err instanceof ApiError ? err : undefined;
      if (!known) log.error({ err, method: ctx.method, path: ctx.path, requestId: ctx.state.requestId }, 'request failed');
      const status = known?.status ?? 500;
      ctx.status = status;
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = {
        class: responseClass,
        relatedHTTPCode: status,
        exceptionClassName: exceptionClassName(status),
        exceptionErrorMessage: known?.message ?? `Internal error; see the server log for request ${ctx.state.requestId}`,
        ...(known?.details === undefined ? {} : { exceptionProperties: known.details }),
      };
    }
  };
}
