import type { RuntimeOptions } from '@temporalio/worker';

/**
 * Telemetry options that make the Temporal SDK (core) export its worker and client metrics in Prometheus
 * format on 127.0.0.1:`port`. Loopback only: Tether's own /metrics re-exports them (sdkMetricsText), so
 * there is one port to scrape and to secure. Merge into the one Runtime.install() of the process.
 */
export function sdkTelemetryOptions(port: number | undefined): RuntimeOptions['telemetryOptions'] {
  if (port === undefined) return undefined;
  return {
    metrics: {
      prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true },
    },
  };
}

/** The SDK's metrics text from its local exporter; empty when it is off or not answering, so /metrics never fails for it. */
export async function sdkMetricsText(port: number | undefined, timeoutMs = 1_000): Promise<string> {
  if (port === undefined) return '';
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}
