import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { defaultActionPolicy } from '../../src/contracts/action';
import { checkConnectionHealth, executeAction } from '../../src/workflows';
import { startTestTether, type TestTether } from '../support/tether';

describe('action workflow on the real Temporal server', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({ api: false });
  });
  afterAll(() => tether.stop());

  const request = (inputs: Record<string, unknown>) => ({
    connectorPath: 'myconnector',
    actionPath: 'order_product',
    actionName: 'submitOrder',
    connectionInstanceId: 'DEV',
    inputs,
    policy: defaultActionPolicy,
  });

  it('runs the example submitOrder action and returns its outputs', async () => {
    const result = await tether.client.workflow.execute(executeAction, {
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      workflowId: `test/order/${Date.now()}`,
      args: [request({ recipient: 'Bob', quantity: 1, productId: '93820' })],
    });
    expect(result.outputs.orderId).toMatch(/^\d{9}$/);
    expect(result.outputs.shippingAddress).toEqual({ state: 'CA', city: 'Santa Clara' });
  });

  it('fails a business error once, without retrying', async () => {
    const workflowId = `test/order-bad/${Date.now()}`;
    const run = tether.client.workflow.execute(executeAction, {
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      workflowId,
      args: [request({ recipient: 'Bob', quantity: 0 })],
    });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    const failure = await run.catch((err: WorkflowFailedError) => err.cause);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'BusinessError', message: 'quantity must be at least 1, got 0' });
    const history = await tether.client.workflow.getHandle(workflowId).fetchHistory();
    const attempts = history.events!.filter((event) => event.markerRecordedEventAttributes).length;
    expect(attempts).toBe(1);
  });

  it('reports an unknown connection instance as CONNECTION_FAILURE', async () => {
    const report = await tether.client.workflow.execute(checkConnectionHealth, {
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      workflowId: `test/health/${Date.now()}`,
      args: [{ connectorPath: 'myconnector', connectionInstanceId: 'NOPE', timeoutSeconds: 5 }],
    });
    expect(report.status).toBe('CONNECTION_FAILURE');
    expect(report.message).toBe('Connection instance NOPE of myconnector is not configured on this worker');
  });
});
