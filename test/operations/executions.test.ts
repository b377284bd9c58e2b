import request from 'supertest';
import { defaultActionPolicy } from '../../src/contracts/action';
import { TetherAction, TetherConnectionInstance, TetherConnector, TetherKind, TetherReplayOf } from '../../src/contracts/search-attributes';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';

describe('executions API', () => {
  let tether: TestTether;
  const started: string[] = [];
  beforeAll(async () => {
    tether = await startTestTether();
  });
  afterAll(() => tether.stop());

  async function runOrder(quantity: number): Promise<string> {
    const workflowId = `action/myconnector/order_product/test-${quantity}-${Date.now()}-${started.length}`;
    const handle = await tether.client.workflow.start('executeAction', {
      workflowId,
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      args: [{ connectorPath: 'myconnector', actionPath: 'order_product', actionName: 'submitOrder', connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity }, policy: defaultActionPolicy }],
      typedSearchAttributes: [
        { key: TetherKind, value: 'action' },
        { key: TetherConnector, value: 'myconnector' },
        { key: TetherAction, value: 'submitOrder' },
        { key: TetherConnectionInstance, value: 'DEV' },
      ],
    });
    await handle.result().catch(() => undefined);
    started.push(workflowId);
    return workflowId;
  }

  async function waitForListing(query: string, expected: number) {
    for (let i = 0; i < 50; i++) {
      const response = await request(tether.url).get(`/admin/executions?${query}`).set(adminAuth).expect(200);
      if (response.body.executions.length >= expected) return response.body.executions;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`visibility never listed ${expected} executions for ${query}`);
  }

  it('lists executions by connector, action and status, with UI links', async () => {
    const ok = await runOrder(2);
    const failed = await runOrder(0);
    const failures = await waitForListing('connector=myconnector&action=submitOrder&status=failed', 1);
    expect(failures.map((e: { executionId: string }) => e.executionId)).toContain(failed);
    expect(failures.map((e: { executionId: string }) => e.executionId)).not.toContain(ok);
    expect(failures[0]).toMatchObject({ kind: 'action', connector: 'myconnector', action: 'submitOrder', connectionInstance: 'DEV', status: 'Failed' });
    expect(failures[0].links.ui).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(failures[0].executionId)}/${failures[0].runId}/history`);
  });

  it('shows one execution with inputs, outputs, failure and attempts', async () => {
    const ok = await runOrder(3);
    const detail = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(ok)}`).set(adminAuth).expect(200)).body;
    expect(detail).toMatchObject({ executionId: ok, status: 'Completed', inputs: { recipient: 'Bob', quantity: 3 }, attempts: 1 });
    expect(detail.outputs.orderId).toMatch(/^\d{9}$/);
    const failed = await runOrder(0);
    const failure = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(failed)}`).set(adminAuth).expect(200)).body;
    expect(failure).toMatchObject({ status: 'Failed', failure: { type: 'BusinessError', message: 'quantity must be at least 1, got 0' }, attempts: 1 });
  });

  it('refuses to replay a running execution (409, never 202)', async () => {
    const workflowId = `action/myconnector/order_product/test-running-${Date.now()}`;
    const handle = await tether.client.workflow.start('executeAction', {
      workflowId,
      taskQueue: `nobody-polls-${Date.now()}`,
      args: [{ connectorPath: 'myconnector', actionPath: 'order_product', actionName: 'submitOrder', connectionInstanceId: 'DEV', inputs: {}, policy: defaultActionPolicy }],
      typedSearchAttributes: [{ key: TetherKind, value: 'action' }],
    });
    const conflict = await request(tether.url).post(`/admin/executions/${encodeURIComponent(workflowId)}/replay`).set(adminAuth).expect(409);
    expect(conflict.body.error.message).toBe(`Execution ${workflowId} is Running; only failed, timed-out, cancelled or terminated executions are replayed`);
    await handle.terminate('test over');
  });

  it('refuses to replay a succeeded execution (409) and an unknown one (404)', async () => {
    const ok = await runOrder(1);
    const conflict = await request(tether.url).post(`/admin/executions/${encodeURIComponent(ok)}/replay`).set(adminAuth).expect(409);
    expect(conflict.body.error.code).toBe('NOT_REPLAYABLE');
    await request(tether.url).get('/admin/executions/action%2Fnope%2Fnope%2Fnope').set(adminAuth).expect(404);
    await request(tether.url).post('/admin/executions/action%2Fnope%2Fnope%2Fnope/replay').set(adminAuth).expect(404);
  });

  it('replays a failed execution as a new execution tagged TetherReplayOf, once per click, listed on the original', async () => {
    const failed = await runOrder(0);
    const original = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(failed)}`).set(adminAuth).expect(200)).body;
    const path = `/admin/executions/${encodeURIComponent(failed)}/replay`;
    const answer = await request(tether.url).post(path).set(adminAuth).expect(202);
    const replay = answer.body;
    expect(replay.replayOf).toBe(failed);
    expect(replay.executionId).toMatch(/^action\/myconnector\/order_product\/replay-of-/);
    // The replay's own run and times, not the original's.
    expect(replay.runId).not.toBe(original.runId);
    expect(Date.parse(replay.startTime)).toBeGreaterThan(Date.parse(original.closeTime));
    if (replay.status === 'Running') expect(replay.closeTime).toBeUndefined();
    expect(answer.headers['x-tether-execution-ui']).toBe(replay.links.ui);
    expect(replay.links.ui).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(replay.executionId)}/${replay.runId}/history`);
    const replayHandle = tether.client.workflow.getHandle(replay.executionId);
    expect((await replayHandle.describe()).typedSearchAttributes.get(TetherReplayOf)).toBe(failed);

    // A double click answers the same replay and runs nothing more; a new Idempotency-Key runs it again.
    const again = (await request(tether.url).post(path).set(adminAuth).expect(202)).body;
    expect(again).toMatchObject({ executionId: replay.executionId, runId: replay.runId });
    const keyed = (await request(tether.url).post(path).set(adminAuth).set('Idempotency-Key', 'second-try').expect(202)).body;
    expect(keyed.executionId).toBe('action/myconnector/order_product/replay-key-second-try');
    await request(tether.url).post(path).set(adminAuth).set('Idempotency-Key', 'second-try').expect(202);
    // The key names the replay of that execution: reused to replay another one, 422 and no run.
    const otherFailed = await runOrder(0);
    const reused = await request(tether.url).post(`/admin/executions/${encodeURIComponent(otherFailed)}/replay`).set(adminAuth).set('Idempotency-Key', 'second-try').expect(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', executionId: keyed.executionId });
    await replayHandle.result().catch(() => undefined);

    const detail = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(replay.executionId)}`).set(adminAuth).expect(200)).body;
    expect(detail).toMatchObject({ replayOf: failed, inputs: { recipient: 'Bob', quantity: 0 }, connector: 'myconnector' });
    let listed: { executionId: string }[] = [];
    for (let i = 0; i < 50 && listed.length < 2; i++, await new Promise((r) => setTimeout(r, 200))) {
      listed = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(failed)}`).set(adminAuth).expect(200)).body.replays;
    }
    expect(listed.map((run) => run.executionId).sort()).toEqual([replay.executionId, keyed.executionId].sort());
    const withReplays = (await request(tether.url).get(`/admin/executions/${encodeURIComponent(failed)}`).set(adminAuth).expect(200)).body;
    expect(withReplays.links.replaysUi).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows?query=${encodeURIComponent(`TetherReplayOf = '${failed}'`)}`,
    );
  });

  it('validates filters and requires the admin token', async () => {
    const bad = await request(tether.url).get('/admin/executions?status=sleeping&since=yesterday&connector=a%27b').set(adminAuth).expect(400);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(['connector', 'since', 'status']);
    await request(tether.url).get('/admin/executions').expect(401);
    await request(tether.url).get('/admin/executions').set(spiAuth).expect(403);
  });
});
