import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpiHandler, SpiResponse } from '../../src/platform/frames';
import { connect, hubAdmin, hubUserToken, registerConnector, startTestHub } from './support';

const secret = 'plant-7-secret-0123456789';

describe('relaying SPI calls to a connected connector', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub({ relayTimeoutMs: 500 });
    await registerConnector(hub, 'plant-7', secret, ['myconnector/order_product']);
  });
  afterEach(() => hub.close());

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${hub.url}/connectors/plant-7${path}`, { ...init, headers: { ...hubAdmin, 'content-type': 'application/json', ...init.headers } });

  it('relays an action call with its body, query, and SPI headers but not the platform credentials', async () => {
    const { link } = await connect(hub, 'plant-7', secret);
    const response = await call('/myconnector/order_product?trace=1', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'order-42', Prefer: 'respond-async' },
      body: JSON.stringify({ connectionInstanceId: 'DEV', inputs: { quantity: 2 } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tether-connection-id')).toBe(link.connectionId);
    const { echoed } = (await response.json()) as { echoed: { method: string; path: string; headers: Record<string, string>; body: unknown } };
    expect(echoed).toEqual({
      method: 'POST',
      path: '/myconnector/order_product?trace=1',
      headers: { accept: '*/*', 'content-type': 'application/json', 'idempotency-key': 'order-42', prefer: 'respond-async' },
      body: { connectionInstanceId: 'DEV', inputs: { quantity: 2 } },
    });
    link.close();
  });

  it("passes the connector status, the SPI's headers (not others) and text bodies through, and accepts a platform user token", async () => {
    const handler: SpiHandler = async (request): Promise<SpiResponse> =>
      request.path === '/rcf/health'
        ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' }
        : { status: 422, headers: { 'x-tether-execution-id': 'action/myconnector/order_product/kept', 'x-custom': 'dropped' }, body: { error: { code: 'BUSINESS_FAILURE', message: 'quantity must be at least 1' } } };
    const { link } = await connect(hub, 'plant-7', secret, handler);
    const health = await fetch(`${hub.url}/connectors/plant-7/rcf/health`, { headers: { Authorization: `Bearer ${hubUserToken}` } });
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await health.text()).toBe('OK');
    const failed = await call('/myconnector/order_product', { method: 'POST', body: '{}' });
    expect(failed.status).toBe(422);
    expect(failed.headers.get('x-tether-execution-id')).toBe('action/myconnector/order_product/kept');
    expect(failed.headers.get('x-custom')).toBeNull();
    expect(await failed.json()).toEqual({ error: { code: 'BUSINESS_FAILURE', message: 'quantity must be at least 1' } });
    link.close();
  });

  it('answers 403 outside the connector privileges, but always allows the descriptor and health checks', async () => {
    const { link } = await connect(hub, 'plant-7', secret);
    const refused = await call('/myconnector/cancel_order', { method: 'POST', body: '{}' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'FORBIDDEN', message: 'Connector plant-7 has no privilege for /myconnector/cancel_order', details: { privileges: ['myconnector/order_product'] } },
    });
    expect((await call('/otherconnector/order_product', { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await call('/myconnector/..%2Fother/order_product', { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await call('/rcf/descriptor')).status).toBe(200);
    expect((await call('/myconnector/com.bmc.dsm.catalog:checkHealth', { method: 'POST', body: '{}' })).status).toBe(200);
    link.close();
  });

  it('answers 503 when the connector is not connected and 404 when it is not registered', async () => {
    const offline = await call('/myconnector/order_product', { method: 'POST', body: '{}' });
    expect(offline.status).toBe(503);
    expect(await offline.json()).toEqual({ error: { code: 'CONNECTOR_NOT_CONNECTED', message: 'Connector plant-7 is not connected to this platform' } });
    const unknown = await fetch(`${hub.url}/connectors/plant-9/rcf/health`, { headers: hubAdmin });
    expect(unknown.status).toBe(404);
  });

  it('requires platform credentials', async () => {
    expect((await fetch(`${hub.url}/connectors/plant-7/rcf/health`)).status).toBe(401);
  });

  it('answers 504 when the connector does not answer in time, and keeps serving later calls', async () => {
    let slow = true;
    const { link } = await connect(hub, 'plant-7', secret, async (request) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 1_000));
      return { status: 200, body: { path: request.path } };
    });
    const timedOut = await call('/myconnector/order_product', { method: 'POST', body: '{}' });
    expect(timedOut.status).toBe(504);
    expect(((await timedOut.json()) as { error: { code: string } }).error.code).toBe('CONNECTOR_TIMEOUT');
    slow = false;
    expect((await call('/myconnector/order_product', { method: 'POST', body: '{}' })).status).toBe(200);
    link.close();
  });

  it('answers 500 without internals when the connector handler throws', async () => {
    const { link } = await connect(hub, 'plant-7', secret, async () => {
      throw new Error('database password is hunter2');
    });
    const response = await call('/myconnector/order_product', { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('hunter2');
    link.close();
  });

  it('answers 502 when the connector disconnects in the middle of a call', async () => {
    let linkRef: { close(): void } | undefined;
    const { link } = await connect(hub, 'plant-7', secret, async () => {
      linkRef?.close();
      return new Promise(() => undefined);
    });
    linkRef = link;
    const response = await call('/myconnector/order_product', { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CONNECTOR_DISCONNECTED');
  });

  it('adds little latency over a direct call of the SPI handler', async () => {
    const handler: SpiHandler = async (request) => ({ status: 200, body: { path: request.path } });
    const { link } = await connect(hub, 'plant-7', secret, handler);
    const rounds = 200;
    const timeOf = async (run: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const started = process.hrtime.bigint();
        await run();
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      samples.sort((a, b) => a - b);
      return { p50: samples[rounds / 2]!, p95: samples[Math.floor(rounds * 0.95)]! };
    };
    const body = JSON.stringify({ connectionInstanceId: 'DEV', inputs: {} });
    // The same handler served directly over HTTP: the SPI call the relay replaces.
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', async () => {
        const answer = await handler({ method: req.method!, path: req.url!, headers: {}, body: JSON.parse(text) });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const directUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/myconnector/order_product`;
    try {
      const direct = await timeOf(async () => (await fetch(directUrl, { method: 'POST', body })).json());
      const relayed = await timeOf(async () => (await call('/myconnector/order_product', { method: 'POST', body })).json());
      console.log(
        `over ${rounds} sequential calls: direct HTTP p50 ${direct.p50.toFixed(2)} ms / p95 ${direct.p95.toFixed(2)} ms; ` +
          `relayed via hub p50 ${relayed.p50.toFixed(2)} ms / p95 ${relayed.p95.toFixed(2)} ms; added p50 ${(relayed.p50 - direct.p50).toFixed(2)} ms`,
      );
      expect(relayed.p50 - direct.p50).toBeLessThan(20);
    } finally {
      server.close();
      link.close();
    }
  });
});
