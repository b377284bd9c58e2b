/**
 * Records one history per workflow scenario into test/histories/, replayed by test/operations/replay.test.ts
 * and `tether replay` in CI. Re-record only for an intended, versioned workflow change:
 *   npm run record-histories
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { defaultActionPolicy } from '../../src/contracts/action';
import { startTestTether, type TestTether } from '../support/tether';

const scenarios: Array<{ name: string; run: (tether: TestTether) => Promise<string> }> = [
  {
    name: 'execute-action-completed',
    async run(tether) {
      const workflowId = `action/myconnector/order_product/recorded-${Date.now()}`;
      await tether.client.workflow.execute('executeAction', {
        workflowId,
        taskQueue: tether.settings.TETHER_TASK_QUEUE,
        args: [{ connectorPath: 'myconnector', actionPath: 'order_product', actionName: 'submitOrder', connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 1 }, policy: defaultActionPolicy }],
      });
      return workflowId;
    },
  },
  {
    name: 'execute-action-business-failure',
    async run(tether) {
      const workflowId = `action/myconnector/order_product/recorded-failure-${Date.now()}`;
      await tether.client.workflow
        .execute('executeAction', {
          workflowId,
          taskQueue: tether.settings.TETHER_TASK_QUEUE,
          args: [{ connectorPath: 'myconnector', actionPath: 'order_product', actionName: 'submitOrder', connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 0 }, policy: { ...defaultActionPolicy, mode: 'regular' } }],
        })
        .catch(() => undefined);
      return workflowId;
    },
  },
  {
    name: 'check-connection-health',
    async run(tether) {
      const workflowId = `health/myconnector/DEV/recorded-${Date.now()}`;
      await tether.client.workflow.execute('checkConnectionHealth', {
        workflowId,
        taskQueue: tether.settings.TETHER_TASK_QUEUE,
        args: [{ connectorPath: 'myconnector', connectionInstanceId: 'DEV', timeoutSeconds: 5 }],
      });
      return workflowId;
    },
  },
];

describe('record workflow histories', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({ api: false });
  });
  afterAll(() => tether.stop());

  it.each(scenarios.map((scenario) => [scenario.name, scenario]))('%s', async (name, scenario) => {
    const workflowId = await scenario.run(tether);
    // The CLI writes the canonical JSON history format (the SDK's own converter trips over jest's module registry).
    const json = execFileSync(process.env.TETHER_TEST_TEMPORAL_BINARY!, ['workflow', 'show', '--address', process.env.TETHER_TEST_TEMPORAL_ADDRESS!, '--workflow-id', workflowId, '--output', 'json']);
    writeFileSync(join(__dirname, `${name}.json`), json);
  });
});
