import Router from '@koa/router';
import { z } from 'zod';
import { metricsExposition } from '../../metrics/exposition';
import type { TetherMetrics } from '../../metrics/tether-metrics';
import type { OperationDoc } from '../openapi';

export interface MetricsRouterDeps {
  metrics: TetherMetrics;
  /** Port of the Temporal SDK's local exporter (TETHER_SDK_METRICS_PORT), re-exported after Tether's metrics. */
  sdkMetricsPort?: number;
}

/**
 * `GET /metrics` in Prometheus text format. Unauthenticated like /health: it carries counts and connector
 * names, never payloads, and Prometheus scrapes it from inside the network.
 */
export function createMetricsRouter(deps: MetricsRouterDeps): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await metricsExposition(deps.metrics, deps.sdkMetricsPort);
  });
  return router;
}

export const metricsRouteDocs: OperationDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: executions by connector, action and outcome, latency, connector states, platform link, SDK worker metrics',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' } },
  },
];
