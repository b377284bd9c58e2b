import { proxyLocalActivities } from '@temporalio/workflow';
import type { createBehaviourActivities } from '../activities/behaviours';
import { BehaviourFailureType, type BehaviourRequest, type BehaviourResult } from '../contracts/behaviour-workflows';

type BehaviourActivities = ReturnType<typeof createBehaviourActivities>;

/** Margin past the behaviour's own timeout for the server to be killed and the failure reported. */
const KILL_MARGIN_MS = 5_000;

/**
 * Runs one behaviour call as a durable execution. It is started on the task queue of the Behaviours Manager
 * that holds the version (only that worker process has it), so the call is a local activity there — the
 * fast path actions take. Retried only when the Behaviour Server process died under it; a throw, a build
 * error or a timeout is final.
 */
export async function executeBehaviour(request: BehaviourRequest): Promise<BehaviourResult> {
  const { runBehaviour } = proxyLocalActivities<BehaviourActivities>({
    startToCloseTimeout: request.timeoutMs + KILL_MARGIN_MS,
    scheduleToCloseTimeout: 3 * (request.timeoutMs + KILL_MARGIN_MS),
    retry: {
      maximumAttempts: 3,
      initialInterval: '100 milliseconds',
      backoffCoefficient: 2,
      nonRetryableErrorTypes: Object.values(BehaviourFailureType).filter((type) => type !== BehaviourFailureType.serverDied),
    },
  });
  return runBehaviour(request);
}
