import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsExposition } from './exposition';
import type { TetherMetrics } from './tether-metrics';

export interface MetricsServerOptions {
  port: number;
  host?: string;
  metrics: TetherMetrics;
  sdkMetricsPort?: number;
  /** Liveness of the process (e.g. the worker is RUNNING); /health/live answers 503 when false. */
  live?: () => boolean;
}

export interface RunningMetricsServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * For processes without the API (`tether worker`): GET /metrics and GET /health/live on their own port, so
 * Prometheus can scrape the worker and an orchestrator can health-check it.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      metricsExposition(options.metrics, options.sdkMetricsPort).then(
        (text) => res.writeHead(200, { 'Content-Type': options.metrics.contentType }).end(text),
        () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics collection failed\n'),
      );
      return;
    }
    if (req.method === 'GET' && path === '/health/live') {
      const live = options.live?.() ?? true;
      res.writeHead(live ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: live ? 'live' : 'not live' }));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
