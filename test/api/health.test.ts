import request from 'supertest';
import { startDevServer } from '../../src/temporal/dev-server';
import { TEMPORAL_CALL_DEADLINE_MS, TEMPORAL_RETRY_AFTER_SECONDS } from '../../src/temporal/unavailable';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';

describe('health endpoints', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether();
  });
  afterAll(() => tether.stop());

  it('answers GET /rcf/health with plain OK and no credentials', async () => {
    const response = await request(tether.url).get('/rcf/health').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toBe('OK');
  });

  it('is live and ready when Temporal answers and the worker polls', async () => {
    await request(tether.url).get('/health/live').expect(200, { status: 'live' });
    await request(tether.url).get('/health/ready').expect(200, { status: 'ready' });
  });

  it('answers unknown routes and oversized or malformed bodies with the JSON error shape', async () => {
    const missing = await request(tether.url).get('/nowhere').expect(404);
    expect(missing.body.error).toEqual({ code: 'NOT_FOUND', message: 'No route for GET /nowhere' });
    const big = 'x'.repeat(tether.settings.TETHER_BODY_LIMIT_BYTES + 1);
    const tooLarge = await request(tether.url).post('/myconnector/order_product').set(spiAuth).set('Content-Type', 'application/json').send(`"${big}"`);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // A body is read only for a caller the matched route admits.
    const malformed = await request(tether.url).post('/myconnector/order_product').set(spiAuth).set('Content-Type', 'application/json').send('{"a":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
  });
});

describe('readiness without a worker or a server', () => {
  it('says no worker polls when the API runs alone', async () => {
    const apiOnly = await startTestTether({ worker: false });
    try {
      const response = await request(apiOnly.url).get('/health/ready').expect(503);
      expect(response.body.reasons).toEqual([`no worker polling task queue ${apiOnly.settings.TETHER_TASK_QUEUE}`]);
    } finally {
      await apiOnly.stop();
    }
  });

  it('goes 503 naming Temporal when its server stops', async () => {
    const server = await startDevServer({ binary: process.env.TETHER_TEST_TEMPORAL_BINARY!, port: 0, uiPort: null, namespace: 'default' });
    const tether = await startTestTether({ temporalAddress: server.address, worker: false });
    try {
      await server.stop();
      const response = await request(tether.url).get('/health/ready').expect(503);
      expect(response.body.status).toBe('not ready');
      expect(response.body.reasons[0]).toMatch(/^Temporal unreachable: /);
      await request(tether.url).get('/health/live').expect(200);
    } finally {
      await tether.stop();
    }
  });

  it('answers an action 503 with Retry-After, within the documented bound, when Temporal is unreachable', async () => {
    const server = await startDevServer({ binary: process.env.TETHER_TEST_TEMPORAL_BINARY!, port: 0, uiPort: null, namespace: 'default' });
    const tether = await startTestTether({ temporalAddress: server.address });
    try {
      await server.stop();
      const startedAt = Date.now();
      const response = await request(tether.url)
        .post('/myconnector/order_product')
        .set(spiAuth)
        .send({ connectionInstanceId: 'DEV', inputs: { recipient: 'Bob' } });
      const elapsedMs = Date.now() - startedAt;
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe(String(TEMPORAL_RETRY_AFTER_SECONDS));
      expect(response.body.error).toEqual({ code: 'TEMPORAL_UNAVAILABLE', message: `Temporal is not reachable; retry in ${TEMPORAL_RETRY_AFTER_SECONDS} s` });
      // The deadline bounds the wait (the SDK alone retries for 5-9 s); the margin absorbs a loaded machine.
      expect(elapsedMs).toBeLessThan(TEMPORAL_CALL_DEADLINE_MS + 3_000);
      // A route that lists from Temporal's visibility answers the same 503 once the SDK gives up.
      const list = await request(tether.url).get('/admin/executions').set(adminAuth);
      expect(list.status).toBe(503);
      expect(list.headers['retry-after']).toBe(String(TEMPORAL_RETRY_AFTER_SECONDS));
    } finally {
      await tether.stop();
    }
  });
});
