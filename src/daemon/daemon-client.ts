import { WithStartWorkflowOperation, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { type IntegrationGroupConfig } from '../contracts/daemon';
import {
  configureConnectorSignal,
  daemonWorkflowId,
  getConnectorDefinitionQuery,
  getGroupsQuery,
  integrationConnectorWorkflowIdPrefix,
  publishedStateMemoKey,
  reconcilerWorkflowId,
  reconcilerWorkflowIdPrefix,
  refreshConfigUpdate,
  type PublishedConnectorState,
  type PublishedDaemonState,
  type PublishedGroupState,
  type ReconcileResult,
} from '../contracts/daemon-workflows';
import type { IntegrationConnectorDefinition } from '../contracts/metadata';
import { TetherKind } from '../contracts/search-attributes';
import type { integrationDaemon } from '../workflows/integration-daemon';
import { isWorkflowNotFound, toApiError } from './workflow-errors';

/** A connector's last published state and the run it came from. */
export type ConnectorSnapshot = PublishedConnectorState & { workflowId: string };

/** Everything GET …/status shows for one server, read from what its runs published (no run is asked). */
export interface DaemonSnapshot {
  groups: IntegrationGroupConfig[];
  lastSyncError: string | null;
  /** Published state of each group's reconciler, by qualified name (absent: not started yet). */
  reconcilers: Map<string, PublishedGroupState>;
  connectors: ConnectorSnapshot[];
  /** When the snapshot was read (epoch ms): staleness is judged against it. */
  readAt: number;
}

/** No read waits longer than this, whatever state Temporal is in (issue #13: status never hangs). */
const readDeadlineMs = 10_000;
/**
 * Listing 10,000 connectors costs seconds on SQLite visibility (about 0.1–1 ms a row, measured; one page of 1,000
 * is one round trip). A server with more connectors than one page answers status from its latest snapshot (while
 * younger than the next bound) and reads a newer one meanwhile, one read at a time; smaller ones are read afresh.
 */
const servedFromSnapshotAbove = 1_000;
const servedWhileYoungerThanMs = 10_000;
/** Servers whose snapshots are kept (most recently asked); a bound, since server names come from requests. */
const cachedServers = 256;
/** Visibility's largest page: 10,000 connectors are ten pages. */
const listPageSize = 1_000;

/** The API's view of the daemon workflows of one Temporal namespace: configure, read, and reach the connectors. */
export class DaemonClient {
  private readonly snapshots = new Map<string, { latest?: DaemonSnapshot; reading?: Promise<DaemonSnapshot> }>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly pollIntervalSeconds: number,
  ) {}

  /** Applies a configuration update, starting the server's daemon the first time (update-with-start). */
  async configure<Args extends unknown[]>(serverName: string, update: UpdateDefinition<void, Args>, ...args: Args): Promise<void> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof integrationDaemon>('integrationDaemon', {
      workflowId: daemonWorkflowId(serverName),
      taskQueue: this.taskQueue,
      args: [{ serverName, groups: [], pollIntervalSeconds: this.pollIntervalSeconds }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: TetherKind, value: 'daemon' }],
    });
    try {
      await this.client.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation });
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** Applies an update to an existing daemon only; a server never configured has nothing to remove. */
  async update<Args extends unknown[]>(serverName: string, update: UpdateDefinition<void, Args>, ...args: Args): Promise<boolean> {
    try {
      // The handle's overloads split on arity; the definition already ties args to the update.
      await this.client.workflow.getHandle(daemonWorkflowId(serverName)).executeUpdate(update.name, { args } as never);
      return true;
    } catch (err) {
      if (isWorkflowNotFound(err)) return false;
      throw toApiError(err);
    }
  }

  /** The configured groups, from the daemon's memo (no worker needed); a daemon from before publishing is asked. */
  async groups(serverName: string): Promise<PublishedDaemonState> {
    const handle = this.client.workflow.getHandle(daemonWorkflowId(serverName));
    try {
      const published = (await this.client.withDeadline(Date.now() + readDeadlineMs, () => handle.describe())).memo?.[publishedStateMemoKey] as PublishedDaemonState | undefined;
      if (published) return published;
      return { groups: await handle.query(getGroupsQuery), lastSyncError: null };
    } catch (err) {
      if (isWorkflowNotFound(err)) return { groups: [], lastSyncError: null };
      throw err;
    }
  }

  async refreshConfig(serverName: string, qualifiedName: string): Promise<ReconcileResult> {
    try {
      return await this.client.workflow.getHandle(reconcilerWorkflowId(serverName, qualifiedName)).executeUpdate(refreshConfigUpdate);
    } catch (err) {
      throw toApiError(err, `Integration group ${qualifiedName} is not configured on server ${serverName}`);
    }
  }

  /**
   * The server's status for GET …/status: a fresh read, unless it has many connectors: then the latest
   * snapshot while it is young enough, a newer one being read meanwhile. `readAt` tells how old the answer is.
   */
  async snapshot(serverName: string): Promise<DaemonSnapshot> {
    const entry = this.snapshots.get(serverName) ?? {};
    // Most recently asked last, so the first key is the one to forget.
    this.snapshots.delete(serverName);
    this.snapshots.set(serverName, entry);
    if (this.snapshots.size > cachedServers) this.snapshots.delete(this.snapshots.keys().next().value!);
    const read = () =>
      this.readSnapshot(serverName).then((snapshot) => {
        // Only large servers' snapshots are kept (and only 256 of them): small ones are read afresh anyway.
        entry.latest = snapshot.connectors.length > servedFromSnapshotAbove ? snapshot : undefined;
        return snapshot;
      });
    const { latest } = entry;
    if (!latest || Date.now() - latest.readAt > servedWhileYoungerThanMs) return read();
    // The background read's failure is the next request's to report.
    entry.reading ??= read().finally(() => (entry.reading = undefined));
    entry.reading.catch(() => undefined);
    return latest;
  }

  /**
   * The server's whole status in three reads, whatever the number of connectors: the daemon's memo (describe) and
   * two visibility lists (reconcilers, connectors) carrying each run's published memo. Nothing here waits on a worker.
   */
  async readSnapshot(serverName: string): Promise<DaemonSnapshot> {
    const [daemon, reconcilers, connectors] = await Promise.all([
      this.groups(serverName),
      this.listPublished<PublishedGroupState>('group-reconciler', reconcilerWorkflowIdPrefix(serverName)),
      this.listPublished<PublishedConnectorState>('integration-connector', integrationConnectorWorkflowIdPrefix(serverName)),
    ]);
    return {
      ...daemon,
      reconcilers: new Map(reconcilers.map(({ state }) => [state.group.integrationGroupQualifiedName, state])),
      connectors: connectors.map(({ workflowId, state }) => ({ ...state, workflowId })),
      readAt: Date.now(),
    };
  }

  /** Running runs of a kind under an id prefix, with their published state (runs that have published nothing yet are skipped). */
  private async listPublished<T>(kind: string, idPrefix: string): Promise<{ workflowId: string; state: T }[]> {
    // Server names contain no quotes or backslashes (names.ts), so the prefix is safe inside the literal.
    const query = `${TetherKind.name} = '${kind}' AND WorkflowId STARTS_WITH '${idPrefix}' AND ExecutionStatus = 'Running'`;
    return this.client.withDeadline(Date.now() + readDeadlineMs, async () => {
      const found: { workflowId: string; state: T }[] = [];
      for await (const execution of this.client.workflow.list({ query, pageSize: listPageSize }) as AsyncIterable<WorkflowExecutionInfo>) {
        const state = execution.memo?.[publishedStateMemoKey] as T | undefined;
        if (state) found.push({ workflowId: execution.workflowId, state });
      }
      return found;
    });
  }

  /** Runs of the named connector (or of all connectors) of a server, from a fresh read of the published state. */
  async connectorsNamed(serverName: string, connectorName?: string): Promise<ConnectorSnapshot[]> {
    const { connectors } = await this.readSnapshot(serverName);
    return connectors.filter((connector) => connectorName === undefined || connector.connectorName === connectorName);
  }

  /** Signals each run given; a run that ended meanwhile is skipped. */
  async signal(workflowIds: string[], signal: SignalDefinition<[]>): Promise<void> {
    await Promise.all(
      workflowIds.map((workflowId) =>
        this.client.workflow
          .getHandle(workflowId)
          .signal(signal)
          .catch((err: unknown) => {
            if (!isWorkflowNotFound(err)) throw err;
          }),
      ),
    );
  }

  /** The definition a connector runs with (asks the run: its configuration is not published). */
  async connectorDefinition(workflowId: string): Promise<IntegrationConnectorDefinition> {
    return this.client.withDeadline(Date.now() + readDeadlineMs, () => this.client.workflow.getHandle(workflowId).query(getConnectorDefinitionQuery));
  }

  /** Gives a connector a new definition: it restarts with it (until its group's definition changes that connector). */
  async reconfigureConnector(workflowId: string, definition: IntegrationConnectorDefinition): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(configureConnectorSignal, definition);
  }
}
