import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { ApiError } from '../errors';
import { FailureType } from '../connectors/errors';
import { BehaviourFailureType } from '../contracts/behaviour-workflows';

/** HTTP status and code of each classified behaviour failure (DESIGN §9). */
const behaviourAnswers: Record<string, { status: number; code: string }> = {
  [BehaviourFailureType.threw]: { status: 422, code: 'BEHAVIOUR_FAILED' },
  [BehaviourFailureType.build]: { status: 400, code: 'BEHAVIOUR_BUILD_FAILED' },
  [BehaviourFailureType.notFound]: { status: 404, code: 'UNKNOWN_BEHAVIOUR' },
  [BehaviourFailureType.timeout]: { status: 504, code: 'BEHAVIOUR_TIMEOUT' },
  [BehaviourFailureType.serverDied]: { status: 502, code: 'BEHAVIOUR_SERVER_DIED' },
  [BehaviourFailureType.unavailable]: { status: 503, code: 'BEHAVIOURS_UNAVAILABLE' },
};

/** The answer to a behaviour failure classified by the connector (before or during its execution). */
export function behaviourFailureToApiError(type: string, message: string, details: unknown, executionId?: string): ApiError {
  const answer = behaviourAnswers[type] ?? { status: 502, code: 'BEHAVIOUR_FAILED' };
  return new ApiError(answer.status, answer.code, message, details, executionId);
}

/** The innermost failures of a run's cause chain first (workflow → activity → application failure). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current && chain.length < 10; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain.reverse();
}

/**
 * Maps how an execution failed to the SPI's answer (DESIGN §4): a business refusal is 422 with the
 * connector's details, an unreachable target or exhausted retries 502, a target or execution timeout 504;
 * a behaviour's classified failures as DESIGN §9 answers them.
 */
export function executionFailureToApiError(err: unknown, executionId: string): ApiError {
  const chain = causeChain(err);
  const application = chain.find((cause): cause is ApplicationFailure => cause instanceof ApplicationFailure);
  const timeout = chain.find((cause): cause is TimeoutFailure => cause instanceof TimeoutFailure);
  const fail = (status: number, code: string, message: string, details?: unknown) => new ApiError(status, code, message, details, executionId);

  if (application?.type && behaviourAnswers[application.type]) return behaviourFailureToApiError(application.type, application.message, application.details?.[0], executionId);
  if (application?.type === FailureType.business) {
    return fail(422, 'BUSINESS_ERROR', application.message, application.details?.length ? application.details[0] : undefined);
  }
  if (application?.type === FailureType.timeout) return fail(504, 'TARGET_TIMEOUT', application.message);
  if (timeout) return fail(504, 'EXECUTION_TIMEOUT', `The execution did not finish before its deadline (${timeout.timeoutType ?? 'timeout'})`);
  if (application?.type === FailureType.unavailable) return fail(502, 'TARGET_UNAVAILABLE', application.message);
  if (application?.type === FailureType.config) return fail(502, 'CONNECTOR_MISCONFIGURED', application.message);
  if (chain.some((cause) => cause instanceof TerminatedFailure)) return fail(502, 'EXECUTION_TERMINATED', 'The execution was terminated');
  if (chain.some((cause) => cause instanceof CancelledFailure)) return fail(502, 'EXECUTION_CANCELLED', 'The execution was cancelled');
  // An unclassified connector error, retried until the policy gave up.
  const message = application?.message ?? (err instanceof Error ? err.message : String(err));
  return fail(502, 'CONNECTOR_FAILED', `The action failed after its retries: ${message}`);
}
