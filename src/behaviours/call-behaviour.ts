import { ApiError, errorBody } from '../errors';
import { behaviourRunDeadlineMs, behaviourWorkflowId, behaviourWorkflowType, type BehaviourRequest } from '../contracts/behaviour-workflows';
import type { BehaviourCall } from '../contracts/behaviours';
import { TetherAction, TetherEnvironment, TetherKind, TetherTenant } from '../contracts/search-attributes';
import { requestIdFor } from '../spi/execution-ids';
import { idempotencyFor } from '../spi/idempotency';
import { behaviourFailureToApiError } from '../spi/failures';
import type { SpiDeps, SpiResponse } from '../spi/request';
import { runExecution } from '../spi/run-execution';
import type { executeBehaviour } from '../workflows/execute-behaviour';
import { BehaviourCallError, BehaviourNotFoundError } from './errors';
import type { BehavioursManager } from './manager';

export interface BehaviourCallDeps extends SpiDeps {
  manager: BehavioursManager;
}

/**
 * Serves one behaviour call the platform relayed: resolves the current version (waiting for a deploy
 * announced just before), answers 400 / 404 before starting anything when the version does not build or
 * has no such behaviour, then runs it as a durable execution (`behaviour/{tenant}/{environment}/{name}/{request}`).
 */
export async function callBehaviour(deps: BehaviourCallDeps, call: BehaviourCall): Promise<SpiResponse> {
  try {
    const { tenant, environment, name } = call;
    const prepared = await deps.manager.prepare(tenant, environment);
    if (!prepared.exports.includes(name)) throw new BehaviourNotFoundError(name, prepared.version, prepared.exports);
    const request: BehaviourRequest = {
      tenant,
      environment,
      name,
      version: prepared.version,
      input: call.input ?? null,
      timeoutMs: deps.manager.settings.timeoutMs,
    };
    // Started on the manager's own task queue: its worker has the version, and eager start hands it the first task.
    const response = await runExecution<typeof executeBehaviour>(
      { ...deps, taskQueue: deps.manager.taskQueue },
      { method: 'POST', path: `/behaviours/${tenant}/${environment}/${name}`, headers: call.prefer ? { prefer: call.prefer } : {} },
      {
        workflowType: behaviourWorkflowType,
        workflowId: behaviourWorkflowId(tenant, environment, name, requestIdFor(call.idempotencyKey)),
        args: [request],
        // The caller's request; not the version (resolved here: a retry after a deploy joins the original run).
        idempotency: idempotencyFor(call.idempotencyKey, { tenant, environment, name, input: request.input }),
        searchAttributes: [
          { key: TetherKind, value: 'behaviour' },
          { key: TetherTenant, value: tenant },
          { key: TetherEnvironment, value: environment },
          { key: TetherAction, value: name },
        ],
        executionTimeoutMs: behaviourRunDeadlineMs(request.timeoutMs),
        answer: (result) => ({ output: result.output, version: result.version }),
      },
    );
    return { ...response, headers: { ...response.headers, 'X-Tether-Behaviour-Version': prepared.version } };
  } catch (err) {
    if (err instanceof BehaviourCallError) {
      const failure = behaviourFailureToApiError(err.failureType, err.message, err.details);
      return { status: failure.status, body: errorBody(failure) };
    }
    if (err instanceof ApiError) return { status: err.status, body: errorBody(err) };
    deps.log.error({ err, tenant: call.tenant, environment: call.environment, name: call.name }, 'behaviour call failed');
    return { status: 500, body: errorBody(new ApiError(500, 'INTERNAL', 'Internal error; see the connector log')) };
  }
}
