import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { IntegrationGroupConfig } from '../../src/contracts/daemon';
import { configureGroupUpdate, daemonWorkflowId, getGroupsQuery } from '../../src/contracts/daemon-workflows';
import type { integrationDaemon } from '../../src/workflows/integration-daemon';
import type { TestTether } from '../support/tether';
import { startDaemonTether, unique } from './support';

describe('daemon workflow update validators', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startDaemonTether();
  });
  afterAll(() => tether.stop());

  it('refuses an invalid configuration synchronously, leaving no trace in history', async () => {
    const serverName = unique('daemon');
    const workflowId = daemonWorkflowId(serverName);
    const start = () =>
      new WithStartWorkflowOperation<typeof integrationDaemon>('integrationDaemon', {
        workflowId,
        taskQueue: tether.settings.TETHER_TASK_QUEUE,
        args: [{ serverName, groups: [], pollIntervalSeconds: 5 }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    const valid: IntegrationGroupConfig = { class: 'IntegrationGroupConfig', omagserverPlatformRootURL: 'http://127.0.0.1:9', omagserverName: 'md', integrationGroupQualifiedName: 'g' };
    await tether.client.workflow.executeUpdateWithStart(configureGroupUpdate, { args: [valid], startWorkflowOperation: start() });

    const bad = { ...valid, class: 'Other' } as unknown as IntegrationGroupConfig;
    const refused = tether.client.workflow.getHandle(workflowId).executeUpdate(configureGroupUpdate, { args: [bad] });
    await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(refused).rejects.toMatchObject({ cause: { type: 'InvalidGroupConfig', message: 'class: class must be "IntegrationGroupConfig"' } });

    // Issue #10: a name that cannot become a workflow id never enters the daemon (it used to retry INVALID_ARGUMENT forever).
    const tooLong = { ...valid, integrationGroupQualifiedName: 'q'.repeat(1_200) };
    const refusedName = tether.client.workflow.getHandle(workflowId).executeUpdate(configureGroupUpdate, { args: [tooLong] });
    await expect(refusedName).rejects.toMatchObject({ cause: { type: 'InvalidGroupConfig', message: 'integrationGroupQualifiedName: integrationGroupQualifiedName must be at most 256 bytes (UTF-8); got 1200' } });

    expect(await tether.client.workflow.getHandle(workflowId).query(getGroupsQuery)).toEqual([valid]);
    const history = await tether.client.workflow.getHandle(workflowId).fetchHistory();
    const accepted = history.events!.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(1);
    await tether.client.workflow.getHandle(workflowId).terminate('test done');
  });
});
