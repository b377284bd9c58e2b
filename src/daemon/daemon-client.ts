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
import { TetherKind, TetherStateChangedAt } from '../contracts/search-attributes';
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
/** Visibility's largest page: 10,000 connectors are ten pages. */
const listPageSize = 1_000;
/**
 * How far back each incremental read of a server's connectors looks before the previous read began: covers
 * visibility's lag behind the runs (and clock skew between this process and Temporal's) so no change is missed.
 */
const changeOverlapMs = 10_000;
/** A full read now and then, so a change visibility showed too late for the overlap is not kept for ever. */
const fullReadEveryMs = 5 * 60_000;
/** Servers whose connector index is kept (most recently asked); a bound, since server names come from requests. */
const indexedServers = 64;

/** One server's connectors as last read: kept up to date by listing only the runs changed since. */
interface ConnectorIndex {
  runs?: Map<string, ConnectorSnapshot>;
  /** When (this process's clock) the last read began and the last full read began. */
  readStartedAt: number;
  fullReadStartedAt: number;
  reading?: Promise<Map<string, ConnectorSnapshot>>;
  /** The read after the current one, for the calls that arrived while it was going. */
  next?: Promise<Map<string, ConnectorSnapshot>>;
}

/** One listed run: enough to tell running from closed (a continued-as-new workflow lists both its runs). */
interface ListedRun<T> {
  workflowId: string;
  running: boolean;
  state: T | undefined;
}

/** The API's view of the daemon workflows of one Temporal namespace: configure, read, and reach the connectors. */
export class DaemonClient {
  private readonly indexes = new Map<string, ConnectorIndex>();

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
   * The server's status for GET …/status in three reads: the daemon's memo (describe), its reconcilers' memos (one
   * list), and its connectors: the first time one list of all of them, then only the runs changed since
   * (TetherStateChangedAt), so a server of 10,000 idle connectors costs a few rows per read. Nothing here waits on a worker.
   */
  async snapshot(serverName: string): Promise<DaemonSnapshot> {
    const [daemon, reconcilers, connectors] = await Promise.all([
      this.groups(serverName),
      this.listRuns<PublishedGroupState>(`${TetherKind.name} = 'group-reconciler' AND WorkflowId STARTS_WITH '${reconcilerWorkflowIdPrefix(serverName)}' AND ExecutionStatus = 'Running'`),
      this.connectorIndex(serverName),
    ]);
    return {
      ...daemon,
      reconcilers: new Map(reconcilers.flatMap(({ state }) => (state ? [[state.group.integrationGroupQualifiedName, state] as const] : []))),
      connectors: [...connectors.values()],
      readAt: Date.now(),
    };
  }

  /**
   * The server's connectors (running runs that published a state), by workflow id, from a read that began after this
   * call: one read at a time per server, the next one shared by every call that arrived meanwhile.
   */
  private connectorIndex(serverName: string): Promise<Map<string, ConnectorSnapshot>> {
    const index = this.indexes.get(serverName) ?? { readStartedAt: 0, fullReadStartedAt: 0 };
    // Most recently asked last, so the first key is the one to forget.
    this.indexes.delete(serverName);
    this.indexes.set(serverName, index);
    if (this.indexes.size > indexedServers) this.indexes.delete(this.indexes.keys().next().value!);
    const read = () => {
      const reading = this.readConnectors(serverName, index).finally(() => {
        if (index.reading === reading) index.reading = undefined;
      });
      index.reading = reading;
      return reading;
    };
    if (!index.reading) return read();
    index.next ??= index.reading
      .catch(() => undefined)
      .then(() => {
        index.next = undefined;
        return read();
      });
    return index.next;
  }

  private async readConnectors(serverName: string, index: ConnectorIndex): Promise<Map<string, ConnectorSnapshot>> {
    const startedAt = Date.now();
    // Server names contain no quotes or backslashes (names.ts), so the prefix is safe inside the literal.
    const ofServer = `${TetherKind.name} = 'integration-connector' AND WorkflowId STARTS_WITH '${integrationConnectorWorkflowIdPrefix(serverName)}'`;
    const full = !index.runs || startedAt - index.fullReadStartedAt > fullReadEveryMs;
    let runs: Map<string, ConnectorSnapshot>;
    if (full) {
      runs = new Map();
      for (const run of await this.listRuns<PublishedConnectorState>(`${ofServer} AND ExecutionStatus = 'Running'`)) {
        if (run.state) runs.set(run.workflowId, { ...run.state, workflowId: run.workflowId });
      }
    } else {
      // Changed since the last read: a new state, a new run (continue-as-new carries the old state), a closed run
      // (a running one's CloseTime is the far future in SQL visibility), or a run from before TetherStateChangedAt
      // (refreshValidatesPatch), which is read every time.
      const since = new Date(index.readStartedAt - changeOverlapMs).toISOString();
      const changed = await this.listRuns<PublishedConnectorState>(
        `${ofServer} AND (${TetherStateChangedAt.name} >= '${since}' OR ${TetherStateChangedAt.name} IS NULL OR StartTime >= '${since}' OR (ExecutionStatus != 'Running' AND CloseTime >= '${since}'))`,
      );
      runs = new Map(index.runs);
      const running = new Set(changed.filter((run) => run.running).map((run) => run.workflowId));
      for (const run of changed) {
        if (run.running && run.state) runs.set(run.workflowId, { ...run.state, workflowId: run.workflowId });
        // Closed, with no run of the same id going on: stopped, or its group removed.
        else if (!running.has(run.workflowId)) runs.delete(run.workflowId);
      }
    }
    index.runs = runs;
    index.readStartedAt = startedAt;
    if (full) index.fullReadStartedAt = startedAt;
    return runs;
  }

  /** Runs matching a visibility query, with their published state (absent: nothing published yet). */
  private async listRuns<T>(query: string): Promise<ListedRun<T>[]> {
    return this.client.withDeadline(Date.now() + readDeadlineMs, async () => {
      const found: ListedRun<T>[] = [];
      for await (const execution of this.client.workflow.list({ query, pageSize: listPageSize }) as AsyncIterable<WorkflowExecutionInfo>) {
        found.push({ workflowId: execution.workflowId, running: execution.status.name === 'RUNNING', state: execution.memo?.[publishedStateMemoKey] as T | undefined });
      }
      return found;
    });
  }

  /** Runs of the named connector (or of all connectors) of a server, from a fresh read of the published state. */
  async connectorsNamed(serverName: string, connectorName?: string): Promise<ConnectorSnapshot[]> {
    const { connectors } = await this.snapshot(serverName);
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
