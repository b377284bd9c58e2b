import { ApplicationFailure, Context } from '@temporalio/activity';
import type { BehavioursManager } from '../behaviours/manager';
import { BehaviourCallError } from '../behaviours/errors';
import { BehaviourFailureType, type BehaviourRequest, type BehaviourResult } from '../contracts/behaviour-workflows';
import { metrics } from '../metrics';

/** Metric outcome of each failure type. */
const outcomes: Record<string, string> = {
  [BehaviourFailureType.threw]: 'threw',
  [BehaviourFailureType.build]: 'build_failed',
  [BehaviourFailureType.notFound]: 'not_found',
  [BehaviourFailureType.timeout]: 'timed_out',
  [BehaviourFailureType.serverDied]: 'server_died',
  [BehaviourFailureType.unavailable]: 'unavailable',
};

/**
 * The activity of behaviour executions. It runs only on the worker of the manager that holds the version
 * (the manager's own task queue). Failures are classified once, here: only a dead server is retryable.
 */
export function createBehaviourActivities(deps: { manager: BehavioursManager }) {
  return {
    async runBehaviour(request: BehaviourRequest): Promise<BehaviourResult> {
      const context = Context.current();
      const record = (outcome: string) => metrics.recordBehaviourCall(request.tenant, request.environment, outcome);
      try {
        const output = await deps.manager.run(request, context.info.workflowExecution?.workflowId ?? 'unknown', context.cancellationSignal);
        record('succeeded');
        return { output, version: request.version };
      } catch (err) {
        if (!(err instanceof BehaviourCallError)) throw err;
        record(outcomes[err.failureType] ?? 'failed');
        throw ApplicationFailure.create({
          message: err.message,
          type: err.failureType,
          nonRetryable: err.failureType !== BehaviourFailureType.serverDied,
          details: err.details === undefined ? [] : [err.details],
        });
      }
    },
  };
}
