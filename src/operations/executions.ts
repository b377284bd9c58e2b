import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import { decodeArrayFromPayloads, decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { ApiError, NotFoundError } from '../errors';
import type { ActionRequest } from '../contracts/action';
import type { ExecutionDetail, ExecutionListQuery, ExecutionStatus, ExecutionSummary } from '../contracts/executions';
import { behaviourRunDeadlineMs, behaviourWorkflowId, behaviourWorkflowType, type BehaviourRequest } from '../contracts/behaviour-workflows';
import { TetherAction, TetherConnectionInstance, TetherConnector, TetherEnvironment, TetherKind, TetherReplayOf, TetherTenant } from '../contracts/search-attributes';
import type { ConnectorRegistry } from '../connectors/registry';
import { actionRunDeadlineMs } from '../spi/action-policy';
import { requestIdFor } from '../spi/execution-ids';
import { startOrAttach } from '../spi/executions';
import { idempotencyFor } from '../spi/idempotency';
import { temporalUiLink, temporalUiQueryLink } from '../temporal/ui-link';
import type { executeAction, executeBehaviour } from '../workflows';

export interface ExecutionsDeps {
  client: Client;
  registry: ConnectorRegistry;
  taskQueue: string;
  temporalUiUrl?: string;
  /** This process's Behaviours Manager, which replays of behaviour executions run on. */
  behaviours?: { taskQueue: string };
}

/** The kinds of execution this API lists, inspects and replays. */
const listedKinds = ['action', 'health-check', 'behaviour'];

const REDACTED = '[redacted]';

/** The SDK's status names, as visibility queries spell them. */
const statusNames: Record<string, ExecutionStatus> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Canceled',
  TERMINATED: 'Terminated',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
  TIMED_OUT: 'TimedOut',
};

/** A visibility query's string literal (execution ids come from callers' Idempotency-Keys). */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The query listing every replay of an execution, in the executions API and the Temporal UI alike. */
export const replaysQuery = (executionId: string) => `TetherReplayOf = ${quoted(executionId)}`;

/** Builds the visibility query of a list request; values are validated keywords, so quoting is safe. */
export function visibilityQuery(query: ExecutionListQuery): string {
  const clauses = [query.kind ? `TetherKind = '${query.kind}'` : `TetherKind IN (${listedKinds.map((kind) => `'${kind}'`).join(', ')})`];
  if (query.tenant) clauses.push(`TetherTenant = '${query.tenant}'`);
  if (query.environment) clauses.push(`TetherEnvironment = '${query.environment}'`);
  if (query.connector) clauses.push(`TetherConnector = '${query.connector}'`);
  if (query.action) clauses.push(`TetherAction = '${query.action}'`);
  if (query.connectionInstance) clauses.push(`TetherConnectionInstance = '${query.connectionInstance}'`);
  if (query.status) clauses.push(`ExecutionStatus = '${query.status}'`);
  if (query.since) clauses.push(`StartTime >= '${new Date(query.since).toISOString()}'`);
  return clauses.join(' AND ');
}

function summarize(info: WorkflowExecutionInfo | WorkflowExecutionDescription, deps: ExecutionsDeps): ExecutionSummary {
  const attributes = info.typedSearchAttributes;
  return {
    executionId: info.workflowId,
    runId: info.runId,
    kind: attributes.get(TetherKind),
    connector: attributes.get(TetherConnector),
    action: attributes.get(TetherAction),
    connectionInstance: attributes.get(TetherConnectionInstance),
    tenant: attributes.get(TetherTenant),
    environment: attributes.get(TetherEnvironment),
    status: statusNames[info.status.name] ?? info.status.name,
    startTime: info.startTime.toISOString(),
    ...(info.closeTime ? { closeTime: info.closeTime.toISOString() } : {}),
    links: {
      self: `/admin/executions/${encodeURIComponent(info.workflowId)}`,
      ui: temporalUiLink(deps.temporalUiUrl, deps.client.options.namespace, info.workflowId, info.runId),
    },
  };
}

/** Replaces the values of inputs an action declares secret. */
function redactInputs(request: ActionRequest, registry: ConnectorRegistry): Record<string, unknown> {
  const action = registry.find(request.connectorPath)?.definition.actions.find((candidate) => candidate.path === request.actionPath);
  const secret = new Set(action?.inputs.filter((input) => input.secret).map((input) => input.name));
  return Object.fromEntries(Object.entries(request.inputs ?? {}).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
}

/** What an execution view shows as inputs: an action's (secrets redacted), a behaviour's input and the version that ran. */
function inputsOf(kind: string | undefined, request: ActionRequest | BehaviourRequest, registry: ConnectorRegistry): Record<string, unknown> {
  if (kind === 'action') return redactInputs(request as ActionRequest, registry);
  if (kind === 'behaviour') return { input: (request as BehaviourRequest).input, version: (request as BehaviourRequest).version };
  return {};
}

/** Lists, inspects and replays action and health-check executions through Temporal visibility and history. */
export class ExecutionsService {
  constructor(private readonly deps: ExecutionsDeps) {}

  async list(query: ExecutionListQuery): Promise<ExecutionSummary[]> {
    const found: ExecutionSummary[] = [];
    for await (const info of this.deps.client.workflow.list({ query: visibilityQuery(query), pageSize: Math.min(query.limit, 100) })) {
      found.push(summarize(info, this.deps));
      if (found.length >= query.limit) break;
    }
    return found;
  }

  private async describe(executionId: string) {
    const handle = this.deps.client.workflow.getHandle(executionId);
    try {
      return { handle, description: await handle.describe() };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`No execution ${executionId}`);
      throw err;
    }
  }

  async get(executionId: string): Promise<ExecutionDetail> {
    const { handle, description } = await this.describe(executionId);
    const summary = summarize(description, this.deps);
    if (!listedKinds.includes(summary.kind ?? '')) throw new NotFoundError(`No action, health-check or behaviour execution ${executionId}`);
    const converter = this.deps.client.options.loadedDataConverter;
    const history = await handle.fetchHistory();
    let request: ActionRequest | BehaviourRequest | undefined;
    let outputs: Record<string, unknown> | undefined;
    let failure: ExecutionDetail['failure'];
    let attempts = 0;
    for (const event of history.events ?? []) {
      if (event.workflowExecutionStartedEventAttributes) {
        [request] = (await decodeArrayFromPayloads(converter, event.workflowExecutionStartedEventAttributes.input?.payloads)) as [ActionRequest | BehaviourRequest];
      } else if (event.activityTaskStartedEventAttributes) {
        attempts = Math.max(attempts, event.activityTaskStartedEventAttributes.attempt ?? 1);
      } else if (event.markerRecordedEventAttributes) {
        // The SDK core's own record of a local activity (attempt, times): written plain by the core, never through
        // the codec, so read without it (the codec refuses unsealed payloads).
        const data = (event.markerRecordedEventAttributes.details?.data?.payloads ?? []).map((payload) => converter.payloadConverter.fromPayload(payload));
        attempts += Math.max(1, Number((data[0] as { attempt?: number } | undefined)?.attempt ?? 1));
      } else if (event.workflowExecutionCompletedEventAttributes) {
        const [result] = await decodeArrayFromPayloads(converter, event.workflowExecutionCompletedEventAttributes.result?.payloads);
        outputs = summary.kind === 'action' ? (result as { outputs: Record<string, unknown> }).outputs : (result as Record<string, unknown>);
      } else if (event.workflowExecutionFailedEventAttributes) {
        let error = await decodeOptionalFailureToOptionalError(converter, event.workflowExecutionFailedEventAttributes.failure);
        // The root cause says what went wrong ("Activity task failed" around it does not).
        while (error?.cause instanceof Error) error = error.cause;
        failure = { type: (error as { type?: string } | undefined)?.type, message: error?.message ?? 'failed' };
      } else if (event.workflowExecutionTimedOutEventAttributes) {
        failure = { type: 'TimedOut', message: 'The execution exceeded its deadline' };
      } else if (event.workflowExecutionTerminatedEventAttributes) {
        failure = { type: 'Terminated', message: event.workflowExecutionTerminatedEventAttributes.reason || 'terminated' };
      }
    }
    const replays = await this.replaysOf(executionId);
    const replaysUi = temporalUiQueryLink(this.deps.temporalUiUrl, this.deps.client.options.namespace, replaysQuery(executionId));
    return {
      ...summary,
      ...(replaysUi ? { links: { ...summary.links, replaysUi } } : {}),
      ...(request ? { inputs: inputsOf(summary.kind, request, this.deps.registry) } : {}),
      ...(outputs ? { outputs } : {}),
      ...(failure ? { failure } : {}),
      attempts,
      ...(request?.replayOf ? { replayOf: request.replayOf } : {}),
      replays,
    };
  }

  /** Every replay of an execution, newest first (visibility: a replay started a moment ago may still be missing). */
  private async replaysOf(executionId: string): Promise<ExecutionSummary[]> {
    const found: ExecutionSummary[] = [];
    for await (const info of this.deps.client.workflow.list({ query: replaysQuery(executionId), pageSize: 100 })) {
      found.push(summarize(info, this.deps));
      if (found.length >= 100) break;
    }
    return found;
  }

  /**
   * Runs a failed, timed-out, cancelled or terminated action again with the same inputs, as a new execution
   * tagged `TetherReplayOf` = the original. The replay's id is keyed by the Idempotency-Key, else by the
   * original's run: asking twice (a double click) answers the same replay, never a second run. To run an
   * original again after its replay, send a new Idempotency-Key (or replay the replay).
   */
  async replay(executionId: string, idempotencyKey?: string): Promise<ExecutionSummary & { replayOf: string }> {
    const { handle, description } = await this.describe(executionId);
    const summary = summarize(description, this.deps);
    if (summary.kind !== 'action' && summary.kind !== 'behaviour') throw new ApiError(409, 'NOT_REPLAYABLE', `Execution ${executionId} is not an action or behaviour execution`);
    if (summary.status === 'Running' || summary.status === 'Completed' || summary.status === 'ContinuedAsNew') {
      throw new ApiError(409, 'NOT_REPLAYABLE', `Execution ${executionId} is ${summary.status}; only failed, timed-out, cancelled or terminated executions are replayed`);
    }
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const [original] = (await decodeArrayFromPayloads(this.deps.client.options.loadedDataConverter, started?.input?.payloads)) as [ActionRequest & BehaviourRequest];
    const key = `replay-${idempotencyKey ? requestIdFor(idempotencyKey) : `of-${description.runId}`}`;
    const start = summary.kind === 'behaviour' ? this.behaviourReplay(original, executionId, key) : actionReplay(original, executionId, key);
    const replay = await startOrAttach<typeof executeAction | typeof executeBehaviour>(
      { client: this.deps.client, taskQueue: start.taskQueue ?? this.deps.taskQueue, namespace: this.deps.client.options.namespace },
      start.workflowType,
      {
        workflowId: start.workflowId,
        args: [start.request] as [never],
        searchAttributes: [...description.typedSearchAttributes.getAll().filter((pair) => pair.key.name !== TetherReplayOf.name), { key: TetherReplayOf, value: executionId }],
        executionTimeoutMs: start.executionTimeoutMs,
        summary: `Replay of ${executionId}`,
        // A key names the replay of one execution: reused to replay another, it answers 422.
        idempotency: idempotencyFor(idempotencyKey, { replayOf: executionId }),
      },
    );
    // The replay's own run: its status and times, never the original's.
    return { ...summarize(await replay.describe(), this.deps), replayOf: executionId };
  }

  /** A behaviour runs again with the same input and version, on this process's Behaviours Manager. */
  private behaviourReplay(original: BehaviourRequest, executionId: string, key: string) {
    if (!this.deps.behaviours) throw new ApiError(409, 'NOT_REPLAYABLE', 'Behaviour executions are replayed by a connector-mode Tether with a worker (its Behaviours Manager runs them)');
    const request: BehaviourRequest = { ...original, replayOf: executionId };
    return {
      taskQueue: this.deps.behaviours.taskQueue,
      workflowType: behaviourWorkflowType,
      workflowId: behaviourWorkflowId(request.tenant, request.environment, request.name, key),
      request,
      executionTimeoutMs: behaviourRunDeadlineMs(request.timeoutMs),
    };
  }
}

function actionReplay(original: ActionRequest, executionId: string, key: string) {
  const request: ActionRequest = { ...original, replayOf: executionId };
  return { taskQueue: undefined, workflowType: 'executeAction', workflowId: `action/${request.connectorPath}/${request.actionPath}/${key}`, request, executionTimeoutMs: actionRunDeadlineMs(request.policy) };
}
