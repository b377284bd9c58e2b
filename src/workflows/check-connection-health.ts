import { proxyLocalActivities } from '@temporalio/workflow';
import type { createActionActivities } from '../activities/actions';
import type { HealthCheckRequest } from '../contracts/action';
import type { HealthReport } from '../connectors/sdk';

type ActionActivities = ReturnType<typeof createActionActivities>;

/** Checks one connection instance down to its target; a failing target is a report, not a failed run. */
export async function checkConnectionHealth(request: HealthCheckRequest): Promise<HealthReport> {
  const { checkHealth } = proxyLocalActivities<ActionActivities>({
    startToCloseTimeout: request.timeoutSeconds * 1000,
    retry: { maximumAttempts: 1 },
  });
  return checkHealth(request);
}
