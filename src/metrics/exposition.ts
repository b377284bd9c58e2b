import { sdkMetricsText } from './sdk-metrics';
import type { TetherMetrics } from './tether-metrics';

/** Tether's metrics followed by the Temporal SDK's (prefixed `temporal_`, so names never clash). */
export async function metricsExposition(metrics: TetherMetrics, sdkMetricsPort?: number): Promise<string> {
  const [own, sdk] = await Promise.all([metrics.text(), sdkMetricsText(sdkMetricsPort)]);
  return sdk ? `${own.trimEnd()}\n${sdk}` : own;
}
