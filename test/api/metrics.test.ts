import { createServer, type Server } from 'node:net';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import Koa from 'koa';
import request from 'supertest';
import { errorHandler } from '../../src/api/errors';
import { apiAuthentication } from '../../src/api/auth';
import { buildRouter } from '../../src/api/route';
import { metricsRoutes } from '../../src/api/routes/metrics';
import { createLogger } from '../../src/logging/logger';
import { parseSettings } from '../../src/config/settings';
import { sdkTelemetryOptions, startMetricsServer, TetherMetrics } from '../../src/metrics';
import { suiteTemporalAddress, testCredentials, uniqueTaskQueue } from '../support/tether';

function metricsApp(metrics: TetherMetrics, sdkMetricsPort?: number) {
  const app = new Koa();
  app.use(errorHandler(createLogger('silent')));
  app.use(buildRouter(metricsRoutes({ metrics, sdkMetricsPort }), apiAuthentication(testCredentials), { bodyLimitBytes: 1_048_576 }).routes());
  return app.callback();
}

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GET /metrics', () => {
  it('serves executions by connector, action and outcome with a latency histogram, in Prometheus text', async () => {
    const metrics = new TetherMetrics();
    metrics.recordExecution({ connector: 'myconnector', action: 'submitOrder', outcome: 'succeeded', durationSeconds: 0.02 });
    metrics.recordExecution({ connector: 'myconnector', action: 'submitOrder', outcome: 'succeeded', durationSeconds: 0.2 });
    metrics.recordExecution({ connector: 'http', action: 'request', outcome: 'failed', durationSeconds: 3 });
    const response = await request(metricsApp(metrics)).get('/metrics').expect(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.text).toContain('# TYPE tether_executions_total counter');
    expect(response.text).toContain('tether_executions_total{connector="myconnector",action="submitOrder",outcome="succeeded"} 2');
    expect(response.text).toContain('tether_executions_total{connector="http",action="request",outcome="failed"} 1');
    expect(response.text).toContain('# TYPE tether_execution_duration_seconds histogram');
    expect(response.text).toContain('tether_execution_duration_seconds_bucket{le="0.025",connector="myconnector",action="submitOrder"} 1');
    expect(response.text).toContain('tether_execution_duration_seconds_bucket{le="0.25",connector="myconnector",action="submitOrder"} 2');
    expect(response.text).toContain('tether_execution_duration_seconds_count{connector="http",action="request"} 1');
  });

  it('refuses an unknown outcome instead of inventing a label value', () => {
    const metrics = new TetherMetrics();
    expect(() => metrics.recordExecution({ connector: 'c', action: 'a', outcome: 'meh' as never, durationSeconds: 1 })).toThrow(/outcome|Invalid option/);
  });

  it('publishes connector states as a state set and the platform link', async () => {
    const metrics = new TetherMetrics();
    metrics.setConnectorState({ group: 'g1', connector: 'poller', status: 'RUNNING' });
    metrics.setConnectorState({ group: 'g1', connector: 'poller', status: 'FAILED' });
    metrics.setConnectorState({ group: 'g1', connector: 'folder', status: 'RUNNING' });
    metrics.setPlatformLink(true);
    let text = (await request(metricsApp(metrics)).get('/metrics').expect(200)).text;
    expect(text).toContain('tether_integration_connector_state{group="g1",connector="poller",status="FAILED"} 1');
    expect(text).toContain('tether_integration_connector_state{group="g1",connector="poller",status="RUNNING"} 0');
    expect(text).toContain('tether_integration_connector_state{group="g1",connector="folder",status="RUNNING"} 1');
    expect(text.match(/connector="poller",status="[A-Z_]+"} 1/g)).toHaveLength(1);
    expect(text).toContain('tether_platform_link_up 1');

    metrics.removeConnector('g1', 'poller');
    metrics.setPlatformLink(false);
    text = (await request(metricsApp(metrics)).get('/metrics').expect(200)).text;
    expect(text).not.toContain('connector="poller"');
    expect(text).toContain('connector="folder"');
    expect(text).toContain('tether_platform_link_up 0');
  });

  it('still answers when the SDK exporter is configured but not running', async () => {
    const metrics = new TetherMetrics();
    const response = await request(metricsApp(metrics, await freePort())).get('/metrics').expect(200);
    expect(response.text).toContain('tether_platform_link_up');
    expect(response.text).not.toContain('temporal_');
  });
});

describe('Temporal SDK metrics', () => {
  it("re-exports the SDK's own worker metrics after Tether's", async () => {
    const sdkPort = await freePort();
    // This test file's module registry has its own Runtime singleton, so installing it here touches no other test.
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: sdkTelemetryOptions(sdkPort) });
    const connection = await NativeConnection.connect({ address: suiteTemporalAddress() });
    const worker = await Worker.create({ connection, taskQueue: uniqueTaskQueue('metrics'), activities: { noop: async () => undefined } });
    const running = worker.run();
    try {
      const app = metricsApp(new TetherMetrics(), sdkPort);
      let text = '';
      for (let attempt = 0; attempt < 50 && !text.includes('temporal_'); attempt++) {
        text = (await request(app).get('/metrics').expect(200)).text;
        if (!text.includes('temporal_')) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(text).toContain('tether_executions_total');
      expect(text).toMatch(/^temporal_\w+/m);
      expect(text).toMatch(/task_queue="metrics-/);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});

describe('worker metrics server', () => {
  it('serves /metrics and a liveness that follows the worker', async () => {
    const metrics = new TetherMetrics();
    metrics.recordExecution({ connector: 'c', action: 'a', outcome: 'succeeded', durationSeconds: 1 });
    let live = true;
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', metrics, live: () => live });
    try {
      const scraped = await request(server.url).get('/metrics').expect(200);
      expect(scraped.text).toContain('tether_executions_total{connector="c",action="a",outcome="succeeded"} 1');
      await request(server.url).get('/health/live').expect(200, { status: 'live' });
      live = false;
      await request(server.url).get('/health/live').expect(503, { status: 'not live' });
      await request(server.url).get('/other').expect(404);
    } finally {
      await server.stop();
    }
  });

  it('reads its ports from the environment, naming a bad setting', () => {
    expect(parseSettings({ TETHER_METRICS_PORT: '9464' }).TETHER_METRICS_PORT).toBe(9464);
    expect(parseSettings({}).TETHER_METRICS_PORT).toBeUndefined();
    expect(() => parseSettings({ TETHER_SDK_METRICS_PORT: 'x' })).toThrow(/^Invalid setting TETHER_SDK_METRICS_PORT: /);
  });
});
