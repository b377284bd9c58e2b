import { devDefaults } from '../../src/config/connectors';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { createLogger } from '../../src/logging/logger';
import { handleSpiRequest, type SpiDeps } from '../../src/spi';
import { startTestTether, type TestTether } from '../support/tether';

/** The SPI service without HTTP, as the platform link relays calls over its WebSocket. */
describe('handleSpiRequest (transport independent)', () => {
  let tether: TestTether;
  let deps: SpiDeps;
  beforeAll(async () => {
    tether = await startTestTether({ api: false });
    deps = {
      client: tether.client,
      registry: new ConnectorRegistry(devDefaults()),
      log: createLogger('silent'),
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      namespace: 'default',
      syncWindowMs: 5_000,
    };
  });
  afterAll(() => tether.stop());

  it('answers the descriptor and health', async () => {
    const descriptor = await handleSpiRequest(deps, { method: 'GET', path: '/rcf/descriptor' });
    expect(descriptor.status).toBe(200);
    expect((descriptor.body as { connectors: unknown[] }).connectors).toHaveLength(3);
    expect(await handleSpiRequest(deps, { method: 'get', path: '/rcf/health' })).toEqual({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'OK' });
  });

  it('runs an action from JSON text, reading headers case-insensitively and ignoring the query string', async () => {
    const answer = await handleSpiRequest(deps, {
      method: 'POST',
      path: '/myconnector/echo_types?trace=1',
      headers: { 'IDEMPOTENCY-KEY': `relay-${Date.now()}` },
      body: JSON.stringify({ connectionInstanceId: 'DEV', inputs: { flag: true } }),
    });
    expect(answer).toMatchObject({ status: 200, body: { outputs: { received: { flag: true } } } });
    expect(answer.headers!['X-Tether-Execution-Id']).toMatch(/^action\/myconnector\/echo_types\/key-relay-\d+$/);
  });

  it('answers the same JSON error bodies as over HTTP, never throwing', async () => {
    expect(await handleSpiRequest(deps, { method: 'POST', path: '/myconnector/order_product', body: '{oops' })).toMatchObject({ status: 400, body: { error: { code: 'MALFORMED_JSON' } } });
    expect(await handleSpiRequest(deps, { method: 'POST', path: '/rcf/descriptor' })).toMatchObject({ status: 405, headers: { Allow: 'GET' } });
    expect(await handleSpiRequest(deps, { method: 'POST', path: '/a/b/c' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await handleSpiRequest(deps, { method: 'GET', path: '/rcf/executions/%E0%A4%A' })).toMatchObject({ status: 404 });
    const health = await handleSpiRequest(deps, { method: 'POST', path: '/myconnector/com.bmc.dsm.catalog:checkHealth', body: { connectionInstanceId: 'PROD' } });
    expect(health).toMatchObject({ status: 200, body: { connectionInstanceId: 'PROD', response: { status: 'CONNECTION_SUCCESS' } } });
  });
});
