import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import { egeriaErrors, egeriaReleaseOf, type EgeriaRelease, type EgeriaResponseClass, type EgeriaService } from '../../daemon/egeria-response';
import type { ApiRoute } from '../auth';
import type { HttpMethod } from '../route';

/** Egeria's envelope as documented in OpenAPI: the class, relatedHTTPCode and, on errors, FFDCResponseBase's exception fields. */
export const EgeriaEnvelope = (responseClass: EgeriaResponseClass, payload: z.ZodRawShape = {}) =>
  z.looseObject({
    class: z.literal(responseClass),
    relatedHTTPCode: z.number().int(),
    exceptionClassName: z.string().optional(),
    actionDescription: z.string().optional(),
    exceptionErrorMessage: z.string().optional(),
    exceptionErrorMessageId: z.string().optional(),
    exceptionErrorMessageParameters: z.array(z.string()).optional(),
    exceptionSystemAction: z.string().optional(),
    exceptionUserAction: z.string().optional(),
    exceptionProperties: z.record(z.string(), z.unknown()).optional(),
    ...payload,
  });

/** One Egeria operation, served under each of its service's path prefixes (Egeria 5's and 4.x's `/users/{userId}` form). */
export interface EgeriaOperation {
  method: HttpMethod;
  /** Path after the prefix, Koa-style. */
  path: string;
  /** Egeria's operation name (the Java method), also the envelope's actionDescription. */
  operation: string;
  summary: string;
  responseClass: EgeriaResponseClass;
  /** Payload properties of a successful answer, for the OpenAPI document. */
  payload?: z.ZodRawShape;
  params?: z.ZodObject;
  body?: z.ZodType;
  /** Only under the prefixes of these releases (an operation Egeria served in some releases only); default: every prefix. */
  releases?: EgeriaRelease[];
  /** Answers for the clients of `release` (the path form called: see EgeriaRelease). */
  handler: (ctx: Parameters<Middleware>[0], release: EgeriaRelease) => Promise<void>;
}

const userId = z.string().min(1, 'userId must not be empty').max(256, 'userId must be at most 256 characters');
const delegatingUserId = z.object({ delegatingUserId: z.string().max(256).optional() });

/**
 * Routes for Egeria operations: each answers Egeria's envelope for every outcome (HTTP 200, errors included; 401/403
 * keep their status), is admin-only, and is served under every prefix given. `userId` (4.x) and `delegatingUserId`
 * (5.x) are accepted and bounded; Tether authorises by token, not by them.
 */
export function egeriaRoutes(service: EgeriaService, prefixes: string[], serverName: z.ZodType, operations: EgeriaOperation[], log: Logger): ApiRoute[] {
  return prefixes.flatMap((prefix) =>
    operations.flatMap((operation): ApiRoute[] => {
      const envelope = EgeriaEnvelope(operation.responseClass, operation.payload);
      const errorEnvelope = EgeriaEnvelope(operation.responseClass);
      const path = `${prefix}${operation.path}`;
      const release = egeriaReleaseOf(path);
      if (operation.releases && !operation.releases.includes(release)) return [];
      const route: ApiRoute = {
        method: operation.method,
        path,
        summary: `${operation.summary} (Egeria ${service}: ${operation.operation})`,
        tag: 'integration-daemon',
        auth: 'egeria',
        params: z.object({ serverName, ...(path.includes(':userId') ? { userId } : {}), ...(operation.params?.shape ?? {}) }),
        query: service === 'integration-daemon' ? delegatingUserId : undefined,
        body: operation.body,
        responses: {
          // Egeria answers errors with HTTP 200 too: the body is the payload, or the envelope's exception fields.
          200: { description: `${operation.responseClass}; an error is relatedHTTPCode ≥ 400 with the FFDC exception fields`, schema: z.union([envelope, errorEnvelope]) },
          401: { description: 'Missing or wrong admin token (UserNotAuthorizedException envelope)', schema: errorEnvelope },
          403: { description: 'Credentials not allowed here (UserNotAuthorizedException envelope)', schema: errorEnvelope },
        },
        errorSchema: errorEnvelope,
        before: [egeriaErrors(operation.responseClass, service, release, operation.operation, log)],
        handler: (ctx) => operation.handler(ctx, release),
      };
      return [route];
    }),
  );
}
