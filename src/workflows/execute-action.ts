import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActionActivities } from '../activities/actions';
import type { ActionRequest, ActionResult } from '../contracts/action';

type ActionActivities = ReturnType<typeof createActionActivities>;

/** Runs one connector action as a durable execution, with the retry policy and deadline the action declares. */
export async function executeAction(request: ActionRequest): Promise<ActionResult> {
  const { policy } = request;
  const retry = {
    maximumAttempts: policy.maximumAttempts,
    initialInterval: policy.initialRetrySeconds * 1000,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['BusinessError', 'ConnectorConfigError'],
  };
  // Local activities skip a task-queue round trip (the fast path); long actions use regular ones to heartbeat.
  const { runAction } =
    policy.mode === 'local'
      ? proxyLocalActivities<ActionActivities>({ scheduleToCloseTimeout: policy.timeoutSeconds * 1000, retry })
      : proxyActivities<ActionActivities>({ scheduleToCloseTimeout: policy.timeoutSeconds * 1000, heartbeatTimeout: '30s', retry });
  return runAction(request);
}
