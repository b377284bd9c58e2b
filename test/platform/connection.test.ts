import { supersededNotice } from '../../src/platform/frames';
import { adminAuth } from '../support/tether';
import { phaseOf, startConnectorTether, type ConnectorTether } from './connector-support';
import { eventually, hubAdmin, listConnectors, registerConnector, startTestHub } from './support';

const secret = 'plant-7-secret-0123456789';

describe('a Tether in connector mode, against the real hub and Temporal', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const tethers: ConnectorTether[] = [];
  const start = async (url = hub.connectUrl, useSecret = secret) => {
    const tether = await startConnectorTether(url, 'plant-7', useSecret);
    tethers.push(tether);
    return tether;
  };
  beforeEach(async () => {
    hub = await startTestHub({ heartbeatMs: 500 });
    await registerConnector(hub, 'plant-7', secret, ['myconnector/order_product']);
  });
  afterEach(async () => {
    await Promise.all(tethers.splice(0).map((tether) => tether.stopAll()));
    await hub.close();
  });

  const admin = (tether: ConnectorTether, path = '', init: RequestInit = {}) =>
    fetch(`${tether.url}/admin/platform-connection${path}`, { ...init, headers: adminAuth });

  it('connects, reports CONNECTED and ready, and serves relayed SPI calls as durable executions', async () => {
    const tether = await start();
    await phaseOf(tether, 'CONNECTED');
    const status = (await (await admin(tether)).json()) as { connectionId: string };
    expect(status).toMatchObject({ phase: 'CONNECTED', attempts: 1, connectorId: 'plant-7', platformUrl: hub.connectUrl });
    expect((await fetch(`${tether.url}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${tether.url}/metrics`)).text()).toMatch(/^tether_platform_link_up 1$/m);
    expect((await listConnectors(hub))[0]).toMatchObject({ connected: true, connectionId: status.connectionId });

    const descriptor = await fetch(`${hub.url}/connectors/plant-7/rcf/descriptor`, { headers: hubAdmin });
    expect(descriptor.status).toBe(200);
    expect(JSON.stringify(await descriptor.json())).toContain('com.example.my.connector');
    const order = await fetch(`${hub.url}/connectors/plant-7/myconnector/order_product`, {
      method: 'POST',
      headers: { ...hubAdmin, 'content-type': 'application/json', 'Idempotency-Key': `relay-${Date.now()}` },
      body: JSON.stringify({ connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 1, productId: '93820' } }),
    });
    expect(order.status).toBe(200);
    expect(((await order.json()) as { outputs: { orderId: string } }).outputs.orderId).toMatch(/^\d{9}$/);
    const runs = tether.client.workflow.list({ query: `WorkflowType = 'executeAction' AND TaskQueue = '${tether.settings.TETHER_TASK_QUEUE}'` });
    const found: string[] = [];
    for await (const run of runs) found.push(run.workflowId);
    expect(found.some((id) => id.startsWith('action/myconnector/order_product/'))).toBe(true);
    expect(tether.exits).toEqual([]);
  });

  it('exits non-zero with one line when no platform answers within the start-up window', async () => {
    const url = hub.connectUrl;
    await hub.close();
    const tether = await start(url);
    const [exit] = await eventually(() => tether.exits, (exits) => exits.length > 0, 10_000);
    expect(exit!.code).toBe(1);
    expect(exit!.line).toMatch(new RegExp(`^No connection to ${url} within the start-up window of 2 s: .*ECONNREFUSED.* \\(TETHER_STARTUP_RETRY_SECONDS\\)$`));
    expect((await tether.status())!.attempts).toBeGreaterThan(2);
    hub = await startTestHub(); // afterEach closes this one
  });

  it('exits non-zero at once, without retrying, when the platform refuses the secret', async () => {
    const tether = await start(hub.connectUrl, 'the-wrong-secret-0123456789');
    const [exit] = await eventually(() => tether.exits, (exits) => exits.length > 0, 10_000);
    expect(exit).toEqual({
      code: 1,
      line: 'The platform refused connector id plant-7: connector id or secret refused (check TETHER_CONNECTOR_ID and TETHER_CONNECTOR_SECRET)',
    });
    expect(await tether.status()).toMatchObject({ phase: 'FAILED', refused: true, attempts: 1 });
    expect(JSON.stringify(tether.lines)).not.toContain('the-wrong-secret');
  });

  it('reconnects after the hub restarts', async () => {
    const tether = await start();
    const first = await phaseOf(tether, 'CONNECTED');
    const port = new URL(hub.url).port;
    await hub.close();
    await phaseOf(tether, 'RECONNECTING');
    const ready = await fetch(`${tether.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('platform link RECONNECTING');
    hub = await startTestHub({ port: Number(port), dataDir: hub.dataDir });
    const again = await phaseOf(tether, 'CONNECTED');
    expect(again!.connectionId).not.toBe(first!.connectionId);
    expect(tether.exits).toEqual([]);
  });

  it('fails after the reconnect window, waits for an operator, and reconnects on request', async () => {
    const tether = await start();
    await phaseOf(tether, 'CONNECTED');
    expect((await admin(tether, '/reconnect', { method: 'POST' })).status).toBe(409);
    const port = new URL(hub.url).port;
    await hub.close();
    const failed = await phaseOf(tether, 'FAILED');
    expect(failed!.lastError).toMatch(/within the reconnect window of 3 s: .*ECONNREFUSED/);
    expect(tether.exits).toEqual([]); // once connected, a failure waits for an operator instead of exiting

    hub = await startTestHub({ port: Number(port), dataDir: hub.dataDir });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await tether.status())!.phase).toBe('FAILED'); // no retrying on its own
    const reconnect = await admin(tether, '/reconnect', { method: 'POST' });
    expect(reconnect.status).toBe(200);
    expect(((await reconnect.json()) as { phase: string }).phase).toBe('RECONNECTING');
    await phaseOf(tether, 'CONNECTED');
  });

  it('stops the first connector when a second one connects with the same id', async () => {
    const first = await start();
    await phaseOf(first, 'CONNECTED');
    const second = await start();
    await phaseOf(second, 'CONNECTED');
    const superseded = await phaseOf(first, 'SUPERSEDED');
    expect(superseded!.lastError).toMatch(/replaced by a newer connection/);
    await eventually(() => first.exits, (exits) => exits.length > 0);
    expect(first.exits[0]).toEqual({ code: 0, line: expect.stringMatching(/^Stopping: another connector authenticated with id plant-7/) });
    expect(second.lines).toContainEqual(expect.objectContaining({ level: 40, msg: supersededNotice }));
    expect(second.exits).toEqual([]);
    const ready = await fetch(`${first.url}/health/ready`);
    expect(JSON.stringify(await ready.json())).toContain('platform link SUPERSEDED');
    expect((await listConnectors(hub))[0]).toMatchObject({ connected: true, connectionId: (await second.status())!.connectionId });
  });

  it('ends concurrent connects with one id with exactly one connected Tether', async () => {
    const both = await Promise.all([start(), start(), start()]);
    await eventually(
      () => Promise.all(both.map((tether) => tether.status().catch((err) => ({ phase: `query failed: ${err.cause?.message ?? err.message}` })))),
      (statuses) => statuses.filter((s) => s?.phase === 'CONNECTED').length === 1 && statuses.filter((s) => s?.phase === 'SUPERSEDED').length === 2,
      15_000,
    );
    const winner = (await Promise.all(both.map((tether) => tether.status()))).find((s) => s?.phase === 'CONNECTED')!;
    expect((await listConnectors(hub))[0]).toMatchObject({ connected: true, connectionId: winner.connectionId });
  });
});
