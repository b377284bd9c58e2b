import { ApiError, NotFoundError, ValidationError } from '../errors';
import { fieldErrors } from '../errors/validation';
import type { ActionRequest } from '../contracts/action';
import { TetherAction, TetherConnectionInstance, TetherConnector, TetherKind } from '../contracts/search-attributes';
import { ActionCall } from '../contracts/spi';
import type { RegisteredConnector } from '../connectors/registry';
import type { executeAction } from '../workflows/execute-action';
import { actionRunDeadlineMs, resolveActionPolicy } from './action-policy';
import { actionWorkflowId, requestIdFor } from './execution-ids';
import { idempotencyFor } from './idempotency';
import { actionInputsSchema, withoutNulls } from './input-schema';
import { headerValue, type SpiDeps, type SpiRequest, type SpiResponse } from './request';
import { runExecution } from './run-execution';

/** Validates the envelope and the typed inputs together, so one 400 names every bad field. */
function parseCall(body: unknown, inputs: ReturnType<typeof actionInputsSchema>): { connectionInstanceId: string; inputs: Record<string, unknown> } {
  const envelope = ActionCall.safeParse(body ?? undefined);
  const fields: Record<string, string[]> = envelope.success ? {} : fieldErrors(envelope.error);
  const rawInputs = body && typeof body === 'object' ? (body as { inputs?: unknown }).inputs : undefined;
  let typedInputs: Record<string, unknown> = {};
  if (rawInputs === undefined || rawInputs === null || (typeof rawInputs === 'object' && !Array.isArray(rawInputs))) {
    const parsed = inputs.safeParse(withoutNulls(rawInputs as Record<string, unknown> | null | undefined));
    if (parsed.success) typedInputs = parsed.data;
    else for (const [field, reasons] of Object.entries(fieldErrors(parsed.error))) fields[`inputs.${field}`] = reasons;
  }
  if (Object.keys(fields).length || !envelope.success) {
    const summary = Object.entries(fields).map(([field, reasons]) => `${field}: ${reasons.join('; ')}`).join(', ');
    throw new ValidationError(`Request body is invalid: ${summary}`, fields);
  }
  return { connectionInstanceId: envelope.data.connectionInstanceId, inputs: typedInputs };
}

/** `POST /{connector}/{action}`: runs the action as a durable execution and answers with its outputs. */
export async function callAction(deps: SpiDeps, request: SpiRequest, connector: RegisteredConnector, actionPath: string): Promise<SpiResponse> {
  const { definition, instances } = connector;
  const action = definition.actions.find((candidate) => candidate.path === actionPath);
  if (!action) {
    throw new NotFoundError(`Connector ${definition.path} has no action at path ${actionPath}`, {
      connector: definition.path,
      knownActions: definition.actions.map((known) => known.path),
    });
  }
  const call = parseCall(request.body, actionInputsSchema(action.inputs));
  if (!instances.some((instance) => instance.id === call.connectionInstanceId)) {
    throw new ApiError(404, 'UNKNOWN_CONNECTION_INSTANCE', `Connector ${definition.path} has no connection instance ${call.connectionInstanceId}`, {
      connector: definition.path,
      knownConnectionInstances: instances.map((instance) => instance.id),
    });
  }
  const policy = resolveActionPolicy(action);
  const actionRequest: ActionRequest = {
    connectorPath: definition.path,
    actionPath: action.path,
    actionName: action.name,
    connectionInstanceId: call.connectionInstanceId,
    inputs: call.inputs,
    policy,
  };
  const idempotencyKey = headerValue(request, 'idempotency-key');
  return runExecution<typeof executeAction>(deps, request, {
    workflowType: 'executeAction',
    workflowId: actionWorkflowId(definition.path, action.path, requestIdFor(idempotencyKey)),
    args: [actionRequest],
    // What the caller asks for, as the run will act on it (validated inputs). Not the policy: it is this
    // server's configuration, and a retry across a config change is still the same request.
    idempotency: idempotencyFor(idempotencyKey, {
      connector: definition.path,
      action: action.path,
      connectionInstanceId: call.connectionInstanceId,
      inputs: call.inputs,
    }),
    searchAttributes: [
      { key: TetherKind, value: 'action' },
      { key: TetherConnector, value: definition.path },
      { key: TetherAction, value: action.name },
      { key: TetherConnectionInstance, value: call.connectionInstanceId },
    ],
    executionTimeoutMs: actionRunDeadlineMs(policy),
    answer: (result) => ({ outputs: result.outputs }),
  });
}
