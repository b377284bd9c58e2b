import type Router from '@koa/router';
import { daemonRoutes } from '../daemon/routers';
import { AesGcmPayloadCodec } from '../temporal/codec';
import { metrics } from '../metrics';
import type { ApiDeps } from './app';
import { apiAuthentication, type ApiRoute } from './auth';
import { buildRouter } from './route';
import { behavioursRoutes } from './routes/behaviours';
import { codecAllowedOrigins, codecRoutes } from './routes/codec';
import { connectorValidationRoutes } from './routes/connector-validation';
import { executionsRoutes } from './routes/executions';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { openApiRoute } from './routes/openapi';
import { platformConnectionRoutes } from './routes/platform-connection';
import { spiActionDocs, spiRoutes } from './routes/spi';

/**
 * The API's route table, in matching order: each route declares its path, who may call it and its
 * documentation; the router and the OpenAPI document are both built from it.
 */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const table: ApiRoute[] = [
    ...healthRoutes(deps.readiness),
    openApiRoute(() => [...table, ...spiActionDocs(deps.registry)]),
    ...metricsRoutes({ metrics, sdkMetricsPort: deps.settings.TETHER_SDK_METRICS_PORT }),
    ...codecRoutes({
      codec: new AesGcmPayloadCodec(deps.keyRing),
      credentials: deps.credentials,
      allowedOrigins: codecAllowedOrigins(deps.settings, deps.temporalUiUrl),
    }),
    ...executionsRoutes(deps),
    ...platformConnectionRoutes(deps),
    ...behavioursRoutes(deps),
    ...connectorValidationRoutes(deps),
    ...daemonRoutes(deps),
    // The SPI stays last: its `/{connector}/{action}` route would claim any other two-segment path.
    ...spiRoutes(deps),
  ];
  return table;
}

/** The API's router, built from {@link apiRoutes}: a route without an `auth` declaration refuses to start. */
export function createApiRouter(deps: ApiDeps, routes: ApiRoute[] = apiRoutes(deps)): Router {
  // Pages of these origins (besides the API's own) may use the browser's remembered login and codec session.
  const publicOrigin = deps.settings.TETHER_PUBLIC_URL ? [new URL(deps.settings.TETHER_PUBLIC_URL).origin] : [];
  const trustedOrigins = [...publicOrigin, ...codecAllowedOrigins(deps.settings, deps.temporalUiUrl)];
  return buildRouter(routes, apiAuthentication(deps.credentials, trustedOrigins), { bodyLimitBytes: deps.settings.TETHER_BODY_LIMIT_BYTES });
}
