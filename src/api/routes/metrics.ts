import { z } from 'zod';
import { metricsExposition } from '../../metrics/exposition';
import type { TetherMetrics } from '../../metrics/tether-metrics';
import type { ApiRoute } from '../auth';

export interface MetricsRouteDeps {
  metrics: TetherMetrics;
  /** Port of the Temporal SDK's local exporter (TETHER_SDK_METRICS_PORT), re-exported after Tether's metrics. */
  sdkMetricsPort?: number;
}

/**
 * `GET /metrics` in Prometheus text format. Public like /health: it carries counts and connector
 * names, never payloads, and Prometheus scrapes it from inside the network.
 */
export function metricsRoutes(deps: MetricsRouteDeps): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics: executions by connector, action and outcome, latency, connector states, platform link, SDK worker metrics',
      tag: 'operations',
      auth: 'public',
      responses: { 200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' } },
      handler: async (ctx) => {
        ctx.type = deps.metrics.contentType;
        ctx.body = await metricsExposition(deps.metrics, deps.sdkMetricsPort);
      },
    },
  ];
}
