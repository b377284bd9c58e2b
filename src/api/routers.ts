import type Router from '@koa/router';
import { createDaemonRouters, daemonRouteDocs } from '../daemon/routers';
import { AesGcmPayloadCodec } from '../temporal/codec';
import { metrics } from '../metrics';
import type { ApiDeps } from './app';
import type { OperationDoc } from './openapi';
import { behavioursRouteDocs, createBehavioursRouter } from './routes/behaviours';
import { codecAllowedOrigins, codecRouteDocs, createCodecRouter } from './routes/codec';
import { createExecutionsRouter, executionsRouteDocs } from './routes/executions';
import { createHealthRouter, healthRouteDocs } from './routes/health';
import { createMetricsRouter, metricsRouteDocs } from './routes/metrics';
import { createOpenApiRouter, openApiRouteDocs } from './routes/openapi';
import { createPlatformConnectionRouter, platformConnectionRouteDocs } from './routes/platform-connection';
import { createSpiRouter, spiActionDocs, spiRouteDocs } from './routes/spi';

/** Every documented operation; the OpenAPI test checks that each route below has one. */
export const routeDocs: OperationDoc[] = [...healthRouteDocs, ...openApiRouteDocs, ...metricsRouteDocs, ...codecRouteDocs, ...executionsRouteDocs, ...daemonRouteDocs, ...platformConnectionRouteDocs, ...behavioursRouteDocs, ...spiRouteDocs];

/** One router per resource, in matching order. */
export function createRouters(deps: ApiDeps): Router[] {
  return [
    createHealthRouter(deps.readiness),
    createOpenApiRouter([...routeDocs, ...spiActionDocs(deps.registry)]),
    createMetricsRouter({ metrics, sdkMetricsPort: deps.settings.TETHER_SDK_METRICS_PORT }),
    createCodecRouter({
      codec: new AesGcmPayloadCodec(deps.keyRing),
      credentials: deps.credentials,
      allowedOrigins: codecAllowedOrigins(deps.settings, deps.temporalUiUrl),
    }),
    createExecutionsRouter(deps),
    createPlatformConnectionRouter(deps),
    createBehavioursRouter(deps),
    ...createDaemonRouters(deps),
    // The SPI router stays last: its `/{connector}/{action}` route would claim any other two-segment path.
    createSpiRouter(deps),
  ];
}
