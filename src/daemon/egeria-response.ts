import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError, asApiError, errorHeaders } from '../errors';

/**
 * Egeria's response envelope (FFDCResponseBase.java in odpi/egeria, common-services/ffdc-services): every answer of
 * an Egeria-shaped path is HTTP 200 with `class` and `relatedHTTPCode`; an error adds exceptionClassName,
 * actionDescription, exceptionErrorMessage (prefixed with its id, as Egeria's messages are),
 * exceptionErrorMessageId, exceptionErrorMessageParameters, exceptionSystemAction, exceptionUserAction and
 * exceptionProperties (with parameterName when a parameter is at fault). Absent values are omitted (Jackson NON_NULL).
 * Authentication and authorisation failures keep their HTTP status (401/403), as Egeria 5's platform security answers
 * before any resource runs.
 */
export type EgeriaResponseClass =
  | 'VoidResponse'
  | 'IntegrationGroupsResponse'
  | 'IntegrationDaemonStatusResponse'
  | 'IntegrationGroupSummariesResponse'
  | 'IntegrationGroupSummaryResponse'
  | 'PropertiesResponse'
  | 'ConnectorReportResponse'
  | 'ConnectorTypeResponse'
  | 'RegisteredOMAGServicesResponse';

/** Which family of Egeria exceptions a path answers with: admin services (OMAG…) or the integration daemon's runtime. */
export type EgeriaService = 'admin-services' | 'integration-daemon';

/**
 * Which Egeria release's clients a path form serves: 4.x clients call the `/users/{userId}` forms, Egeria 5's the
 * others. The two differ in what a client can read: 4.x's exception classes live in frameworks.connectors.ffdc, and
 * its IntegrationConnectorStatus has no WAITING or REFRESHING (Jackson refuses an unknown enum value, failing the
 * whole answer). Both were found by driving Egeria 4.2's own jars (test/daemon/egeria-clients.test.ts).
 */
export type EgeriaRelease = '4' | '5';

/** The release whose clients call a route path. */
export const egeriaReleaseOf = (path: string): EgeriaRelease => (path.includes('/users/:userId') ? '4' : '5');

// The admin services' exceptions (org.odpi.openmetadata.adminservices.ffdc.exception) are the same in 4.x and 5.
const adminExceptions = {
  parameter: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGInvalidParameterException',
  auth: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGNotAuthorizedException',
  server: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGConfigurationErrorException',
};
const runtimeExceptions = (pkg: string) => ({ parameter: `${pkg}.InvalidParameterException`, auth: `${pkg}.UserNotAuthorizedException`, server: `${pkg}.PropertyServerException` });

const exceptionClasses: Record<EgeriaService, Record<EgeriaRelease, Record<'parameter' | 'auth' | 'server', string>>> = {
  'admin-services': { '4': adminExceptions, '5': adminExceptions },
  // Egeria 5 moved these from frameworks.connectors.ffdc to frameworks.openmetadata.ffdc.
  'integration-daemon': {
    '4': runtimeExceptions('org.odpi.openmetadata.frameworks.connectors.ffdc'),
    '5': runtimeExceptions('org.odpi.openmetadata.frameworks.openmetadata.ffdc'),
  },
};

interface ErrorDefinition {
  /** Egeria's pattern: SERVICE-HTTPCODE-NNN. */
  id: string;
  systemAction: string;
  userAction: string;
}

const id = (status: number, n: number) => `TETHER-INTEGRATION-DAEMON-${status}-${String(n).padStart(3, '0')}`;

/** Tether's message catalogue for Egeria-shaped paths, by ApiError code: stable ids, as Egeria's error code enums have. */
const catalogue: Record<string, ErrorDefinition> = {
  VALIDATION_FAILED: { id: id(400, 1), systemAction: 'The request was rejected; nothing changed.', userAction: 'Correct the parameter named in exceptionProperties.parameterName and retry.' },
  MALFORMED_JSON: { id: id(400, 2), systemAction: 'The request body could not be parsed; nothing changed.', userAction: 'Send a valid JSON document as the request body.' },
  JSON_TOO_DEEP: { id: id(400, 3), systemAction: 'The request body was refused before parsing; nothing changed.', userAction: 'Send a request body with less nesting.' },
  UNKNOWN_NAME: { id: id(400, 4), systemAction: 'The request names something this server does not have; nothing changed.', userAction: 'Check the name against GET …/status or GET …/integration-groups/configuration and retry.' },
  INTEGRATION_SERVICES_NOT_SUPPORTED: {
    id: id(400, 5),
    systemAction: 'Tether runs integration groups, not integration services (OMIS); nothing changed.',
    userAction: 'Define the connectors in an integration group and configure it with …/integration-groups/configuration.',
  },
  // Egeria's own answers for an integration service that is not running, with Egeria's ids (clients match on them):
  // IntegrationDaemonServicesErrorCode.UNKNOWN_INTEGRATION_SERVICE and OMAGServerInstanceErrorCode.SERVICE_NOT_AVAILABLE.
  UNKNOWN_INTEGRATION_SERVICE: {
    id: 'INTEGRATION-DAEMON-SERVICES-400-030',
    systemAction: 'The integration service specified on a request is not known to the integration daemon.',
    userAction: 'Tether runs integration groups only: address the connectors through …/integration-connectors/refresh or /restart.',
  },
  SERVICE_NOT_AVAILABLE: {
    id: 'OMAG-MULTI-TENANT-404-002',
    systemAction: 'The system is unable to process the request because the service is not available on this server.',
    userAction: 'Tether runs no integration services (OMIS); validate integration connector types with …/integration-daemon/validate-connector/{type}.',
  },
  UNAUTHENTICATED: { id: id(401, 1), systemAction: 'The request was refused before it reached the server.', userAction: 'Send the admin token as a Bearer token, or as the password of HTTP Basic.' },
  FORBIDDEN: { id: id(403, 1), systemAction: 'The request was refused.', userAction: 'Use credentials allowed to call this path (the admin token).' },
  PAYLOAD_TOO_LARGE: { id: id(413, 1), systemAction: 'The request body was refused unread; nothing changed.', userAction: 'Send a smaller request body (TETHER_BODY_LIMIT_BYTES).' },
  UNSUPPORTED_MEDIA_TYPE: { id: id(415, 1), systemAction: 'The request body was refused unread; nothing changed.', userAction: 'Send the body as application/json.' },
  INTERNAL: { id: id(500, 1), systemAction: 'The server logged the failure with the request id.', userAction: 'Retry; if it persists, give the request id from the message to the operator.' },
  TEMPORAL_UNAVAILABLE: { id: id(503, 1), systemAction: 'The request could not be completed; it may not have been applied.', userAction: 'Retry once Temporal is reachable (GET /health/ready).' },
};

/** A successful Egeria answer: the class, relatedHTTPCode 200 and the payload fields (absent ones omitted). */
export function egeriaOk(responseClass: EgeriaResponseClass, fields: Record<string, unknown> = {}) {
  return { class: responseClass, relatedHTTPCode: 200, ...withoutNulls(fields) };
}

/** Jackson's NON_NULL: properties without a value are left out, not sent as null. */
export function withoutNulls<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as T;
}

/** A parameter the caller named that this server does not have (unknown group, connector, connector type): Egeria answers 400. */
export function unknownName(parameterName: string, message: string): ApiError {
  return new ApiError(400, 'UNKNOWN_NAME', message, { [parameterName]: [message] });
}

/** The parameter at fault: the first field an error names (validation details map field → reasons). */
function parameterName(err: ApiError): string | undefined {
  const details = err.details;
  if (!details || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const [first] = Object.keys(details);
  if (first === undefined) return undefined;
  return first === '(body)' ? 'requestBody' : first;
}

/** The FFDC envelope of an error, as Egeria's RESTExceptionHandler fills it. */
export function egeriaError(responseClass: EgeriaResponseClass, service: EgeriaService, release: EgeriaRelease, err: ApiError, actionDescription: string) {
  const status = err.status;
  const kind = status === 401 || status === 403 ? 'auth' : status < 500 ? 'parameter' : 'server';
  const definition = catalogue[err.code] ?? (status < 500 ? catalogue.VALIDATION_FAILED! : catalogue.INTERNAL!);
  const parameter = parameterName(err);
  return withoutNulls({
    class: responseClass,
    relatedHTTPCode: status,
    exceptionClassName: exceptionClasses[service][release][kind],
    actionDescription,
    exceptionErrorMessage: `${definition.id} ${err.message}`,
    exceptionErrorMessageId: definition.id,
    exceptionErrorMessageParameters: parameter === undefined ? undefined : [parameter],
    exceptionSystemAction: definition.systemAction,
    exceptionUserAction: definition.userAction,
    exceptionProperties:
      err.details === undefined && parameter === undefined ? undefined : withoutNulls({ parameterName: parameter, fields: err.details as Record<string, unknown> | undefined }),
  });
}

/**
 * Answers every failure of an Egeria-shaped route in the envelope (registered as the route's first middleware, so
 * it covers authentication, path parameters, body parsing and the handler). HTTP 200 except 401/403.
 * `actionDescription` is Egeria's operation name (its REST services put the Java method name there).
 */
export function egeriaErrors(responseClass: EgeriaResponseClass, service: EgeriaService, release: EgeriaRelease, actionDescription: string, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      let known = asApiError(err);
      if (!known) {
        log.error({ err, method: ctx.method, path: ctx.path, requestId: ctx.state.requestId }, 'request failed');
        known = new ApiError(500, 'INTERNAL', `Internal error; see the server log for request ${ctx.state.requestId}`);
      }
      ctx.status = known.status === 401 || known.status === 403 ? known.status : 200;
      if (known.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
      ctx.set(errorHeaders(known));
      ctx.body = egeriaError(responseClass, service, release, known, actionDescription);
    }
  };
}
