import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { type IntegrationGroupConfig } from '../contracts/daemon';
import {
  configureConnectorSignal,
  configureReconcilerSignal,
  DefinitionChanged,
  initialPublishedConnectorState,
  integrationConnectorWorkflowId,
  publishedStateMemoKey,
  reconcilerWorkflowId,
  stopConnectorSignal,
  stopReconcilerSignal,
  type ApplyConnectorChunkRequest,
  type IntegrationConnectorInput,
} from '../contracts/daemon-workflows';
import type { IntegrationConnectorDefinition } from '../contracts/metadata';
import { TetherConnector, TetherIntegrationGroup, TetherKind, TetherStateChangedAt } from '../contracts/search-attributes';
import type { GroupDefinitions } from './daemon-metadata';

export interface DaemonLifecycleDeps {
  client: Client;
  settings: Settings;
  registry: ConnectorRegistry;
  definitions: GroupDefinitions;
}

export interface SyncReconcilersRequest {
  serverName: string;
  groups: IntegrationGroupConfig[];
  removed: string[];
  pollIntervalSeconds: number;
}

export interface ApplyConnectorChangesRequest {
  serverName: string;
  groupQualifiedName: string;
  /** Started if not running, else given the definition (a changed one restarts the connector). */
  configure: IntegrationConnectorDefinition[];
  stop: string[];
}

/** Signalling a run that has already ended is not an error for the daemon: it is what stopping wanted. */
async function signalIfRunning(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/** gRPC status code INVALID_ARGUMENT (stable across gRPC implementations). */
const grpcInvalidArgument = 3;

/** gRPC INVALID_ARGUMENT from Temporal (e.g. a workflow id over its length limit): asking again cannot succeed. */
function isRefusedArgument(err: unknown): boolean {
  for (let cause = err as { code?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (cause.code === grpcInvalidArgument) return true;
  }
  return false;
}

/**
 * Calls in flight at once per activity: enough to keep Temporal busy, few enough that 10,000 connectors are
 * not 10,000 simultaneous RPCs (which time out together instead of finishing one after the other).
 */
export const CLIENT_CALLS_IN_FLIGHT = 64;

/** Workflow task timeout of a group reconciler (see syncReconcilers). */
const RECONCILER_TASK_TIMEOUT = '60s';

/**
 * Runs the calls, {@link CLIENT_CALLS_IN_FLIGHT} at a time; a refused argument fails the activity without retries
 * (the workflow reports it). The first failure stops further calls from starting.
 */
async function allOrRefused(calls: (() => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < calls.length) {
      const call = calls[next++]!;
      try {
        await call();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CLIENT_CALLS_IN_FLIGHT, calls.length) }, lane));
  } catch (err) {
    if (isRefusedArgument(err)) throw ApplicationFailure.nonRetryable(`Temporal refused the request: ${(err as Error).message}`, 'RefusedByTemporal');
    throw err;
  }
}

/**
 * Starts, reconfigures and stops the daemon's runs through the client. Signal-with-start makes every call
 * idempotent (an activity retry, or a repeat after continue-as-new, does no harm).
 */
export function createDaemonLifecycleActivities({ client, settings, registry, definitions }: DaemonLifecycleDeps) {
  const taskQueue = settings.TETHER_TASK_QUEUE;
  const connectorStart = (serverName: string, groupQualifiedName: string, definition: IntegrationConnectorDefinition) => {
    const connectorPath = registry.findIntegration(definition.connectorType)?.path;
    return {
      workflowId: integrationConnectorWorkflowId(serverName, groupQualifiedName, definition.connectorName),
      taskQueue,
      args: [{ serverName, groupQualifiedName, definition }] as [IntegrationConnectorInput],
      typedSearchAttributes: [
        { key: TetherKind, value: 'integration-connector' },
        { key: TetherIntegrationGroup, value: groupQualifiedName },
        ...(connectorPath ? [{ key: TetherConnector, value: connectorPath }] : []),
        // Set from the start, so the status reader's "no TetherStateChangedAt" (runs from before it) leaves out
        // runs that have not published yet: thousands of them while a large group starts.
        { key: TetherStateChangedAt, value: new Date() },
      ],
      // Its first state, so status lists it from the start: its run publishes the next one when its first refresh is over.
      memo: { [publishedStateMemoKey]: initialPublishedConnectorState(groupQualifiedName, definition, Date.now()) },
    };
  };
  /** Gives a connector its definition, starting it if it is not running (a changed definition restarts it). */
  const configure = (serverName: string, groupQualifiedName: string, definition: IntegrationConnectorDefinition) =>
    client.workflow.signalWithStart('integrationConnector', { ...connectorStart(serverName, groupQualifiedName, definition), signal: configureConnectorSignal, signalArgs: [definition] });
  const stopConnector = (serverName: string, groupQualifiedName: string, connectorName: string) =>
    signalIfRunning(() => client.workflow.getHandle(integrationConnectorWorkflowId(serverName, groupQualifiedName, connectorName)).signal(stopConnectorSignal));
  return {
    async syncReconcilers({ serverName, groups, removed, pollIntervalSeconds }: SyncReconcilersRequest): Promise<void> {
      await allOrRefused([
        ...groups.map((group) => () =>
          client.workflow.signalWithStart('groupReconciler', {
            workflowId: reconcilerWorkflowId(serverName, group.integrationGroupQualifiedName),
            taskQueue,
            args: [{ serverName, group, pollIntervalSeconds }],
            // A pass over thousands of connectors is a long local activity, which Core keeps alive by
            // heartbeating the workflow task at 80% of this timeout. At the default 10 s a loaded server
            // answered the heartbeat too late ("task not found") and the pass started over.
            workflowTaskTimeout: RECONCILER_TASK_TIMEOUT,
            signal: configureReconcilerSignal,
            signalArgs: [group],
            typedSearchAttributes: [
              { key: TetherKind, value: 'group-reconciler' },
              { key: TetherIntegrationGroup, value: group.integrationGroupQualifiedName },
            ],
          }),
        ),
        ...removed.map((qualifiedName) => () =>
          signalIfRunning(() => client.workflow.getHandle(reconcilerWorkflowId(serverName, qualifiedName)).signal(stopReconcilerSignal)),
        ),
      ]);
    },

    /** Every change of a pass at once, for reconciler runs from before chunkedPassesPatch (a local activity). */
    async applyConnectorChanges({ serverName, groupQualifiedName, configure: definitions, stop }: ApplyConnectorChangesRequest): Promise<void> {
      await allOrRefused([
        ...definitions.map((definition) => () => configure(serverName, groupQualifiedName, definition)),
        ...stop.map((connectorName) => () => stopConnector(serverName, groupQualifiedName, connectorName)),
      ]);
    },

    /**
     * One chunk of a pass. A new connector starts eagerly (its first workflow task comes back with the start, to
     * this worker: no trip through the task queue); one already there (a retried chunk) gets its definition by
     * signal, as a reconfigured one does.
     */
    async applyConnectorChunk({ serverName, group, digest, start, reconfigure, stop }: ApplyConnectorChunkRequest): Promise<void> {
      const qualifiedName = group.integrationGroupQualifiedName;
      const byName = start.length || reconfigure.length ? await definitions.connectors(group, digest!) : new Map<string, IntegrationConnectorDefinition>();
      const definitionOf = (connectorName: string) => {
        const definition = byName.get(connectorName);
        if (!definition) throw ApplicationFailure.nonRetryable(`Connector ${connectorName} is not in the definition of group ${qualifiedName}`, DefinitionChanged);
        return definition;
      };
      await allOrRefused([
        ...start.map((connectorName) => async () => {
          const definition = definitionOf(connectorName);
          try {
            await client.workflow.start('integrationConnector', { ...connectorStart(serverName, qualifiedName, definition), requestEagerStart: true });
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            await configure(serverName, qualifiedName, definition);
          }
        }),
        ...reconfigure.map((connectorName) => () => configure(serverName, qualifiedName, definitionOf(connectorName))),
        ...stop.map((connectorName) => () => stopConnector(serverName, qualifiedName, connectorName)),
      ]);
    },
  };
}
