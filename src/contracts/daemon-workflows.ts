/**
 * Workflow contracts of the integration daemon (DESIGN §5): the daemon per server, a reconciler per group,
 * a workflow per integration connector. Shared by the API, the activities and the workflows: no Node
 * imports and no zod (the request schemas live in daemon.ts, used by the API).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConnectorStatusValue, IntegrationGroupConfig } from './daemon';
import type { IntegrationConnectorDefinition } from './metadata';
import { nameProblem } from './names';

/** What GET /status reports for one integration connector. Times are ISO 8601. */
export interface ConnectorStatus {
  connectorName: string;
  connectorType: string;
  connectorStatus: ConnectorStatusValue;
  lastStatusChange: string;
  lastRefreshTime: string | null;
  lastRefreshSummary: string | null;
  refreshCount: number;
  restartCount: number;
  lastRestartAt: string | null;
  nextRestartAt: string | null;
  failingExceptionMessage: string | null;
}

/** A connector's status before its first step; `at` is when it was created (ISO 8601). */
export function initialConnectorStatus(connectorName: string, connectorType: string, at: string): ConnectorStatus {
  return {
    connectorName,
    connectorType,
    connectorStatus: 'INITIALIZED',
    lastStatusChange: at,
    lastRefreshTime: null,
    lastRefreshSummary: null,
    refreshCount: 0,
    restartCount: 0,
    lastRestartAt: null,
    nextRestartAt: null,
    failingExceptionMessage: null,
  };
}

// ---- published state: what each run writes to its memo, the one source GET …/status reads ----

/**
 * Memo key under which each daemon run publishes its current state (upsertMemo on every change). Status reads
 * it through describe and visibility lists, so it is one read per kind, needs no worker, and never waits on a
 * dead one; the last known state of a run whose worker is gone is still there, marked stale by the reader.
 */
export const publishedStateMemoKey = 'tetherState';
/** Patch id of the memo publishing (recorded histories from before it replay without it). */
export const publishStatePatch = 'publish-state-memo';

/** A connector's published state: its status plus what the reader needs to group it and judge staleness. */
export interface PublishedConnectorState extends ConnectorStatus {
  groupQualifiedName: string;
  refreshIntervalSeconds: number;
  /** When the state must change next if its worker is alive (epoch ms); null while it waits for an operator. */
  expectedChangeBy: number | null;
  publishedAt: number;
}

/** A connector the reconciler will not run because its definition is invalid (reported as CONFIG_FAILED). */
export interface RejectedConnector {
  connectorName: string;
  reason: string;
}

export interface PublishedGroupState {
  group: IntegrationGroupConfig;
  lastDefinitionError: string | null;
  lastReconciledAt: string | null;
  rejected: RejectedConnector[];
}

export interface PublishedDaemonState {
  groups: IntegrationGroupConfig[];
  /** Why the last attempt to start or stop reconcilers failed (e.g. Temporal refused a workflow id). */
  lastSyncError: string | null;
}

// ---- daemon (one per server) ----

export interface DaemonInput {
  serverName: string;
  groups: IntegrationGroupConfig[];
  /** How often each reconciler re-reads its group definition (push makes local changes faster). */
  pollIntervalSeconds: number;
  /** Groups removed whose reconcilers have not been told to stop yet. */
  pendingStops?: string[];
}

export const daemonWorkflowId = (serverName: string) => `daemon/${serverName}`;

/** Failure type of a refused update naming a group the daemon does not have (the API answers 404). */
export const GroupNotConfigured = 'GroupNotConfigured';
/** Failure type of a refused update whose body is invalid (the API answers 400). */
export const InvalidGroupConfig = 'InvalidGroupConfig';

const groupConfigFields = ['omagserverPlatformRootURL', 'omagserverName', 'integrationGroupQualifiedName'] as const;

/**
 * What the daemon workflow's update validators refuse, naming the field: the invariants the workflow relies on.
 * The API has already applied the full schema (daemon.ts); this guards against any other client.
 */
export function groupConfigProblem(config: unknown, at = ''): string | undefined {
  const given = (config ?? {}) as Record<string, unknown>;
  if (given.class !== 'IntegrationGroupConfig') return `${at}class: class must be "IntegrationGroupConfig"`;
  const missing = groupConfigFields.find((field) => typeof given[field] !== 'string' || (given[field] as string).trim() === '');
  if (missing) return `${at}${missing}: ${missing} is required`;
  const badName = nameProblem('integrationGroupQualifiedName', given.integrationGroupQualifiedName);
  return badName ? `${at}integrationGroupQualifiedName: integrationGroupQualifiedName ${badName}` : undefined;
}

/** groupConfigProblem for each group of a list, plus: no qualified name twice. */
export function groupConfigListProblem(configs: unknown): string | undefined {
  if (!Array.isArray(configs)) return '(body): expected an array of IntegrationGroupConfig';
  const seen = new Set<unknown>();
  for (const [index, config] of configs.entries()) {
    const problem = groupConfigProblem(config, `${index}.`);
    if (problem) return problem;
    const name = (config as IntegrationGroupConfig).integrationGroupQualifiedName;
    if (seen.has(name)) return `${index}.integrationGroupQualifiedName: integrationGroupQualifiedName ${name} is given twice`;
    seen.add(name);
  }
  return undefined;
}

export const configureGroupUpdate = defineUpdate<void, [IntegrationGroupConfig]>('configureGroup');
export const configureAllGroupsUpdate = defineUpdate<void, [IntegrationGroupConfig[]]>('configureAllGroups');
export const removeGroupUpdate = defineUpdate<void, [string]>('removeGroup');
export const removeAllGroupsUpdate = defineUpdate<void, []>('removeAllGroups');
export const getGroupsQuery = defineQuery<IntegrationGroupConfig[]>('getGroups');

// ---- reconciler (one per configured group) ----

/** A connector the reconciler started, with the definition it was last given. */
export interface ManagedConnector {
  workflowId: string;
  definition: IntegrationConnectorDefinition;
}

export interface ReconcilerInput {
  serverName: string;
  group: IntegrationGroupConfig;
  pollIntervalSeconds: number;
  /** Runs from before {@link chunkedPassesPatch} carried each connector's whole definition; read as digests. */
  managed?: ManagedConnector[];
  /** The connectors the reconciler runs: name and digest of the definition each was given. */
  managedDigests?: [connectorName: string, digest: string][];
  lastDefinitionError?: string | null;
  lastReconciledAt?: string | null;
  rejected?: RejectedConnector[];
}

export interface GroupStatus {
  group: IntegrationGroupConfig;
  connectors: { connectorName: string; workflowId: string; definitionDigest: string }[];
  /** Why the last read of the definition failed (the running connectors are kept meanwhile). */
  lastDefinitionError: string | null;
  lastReconciledAt: string | null;
}

/** What one reconciliation pass changed. */
export interface ReconcileResult {
  /** Connectors whose definition is invalid: not run, reported as CONFIG_FAILED. */
  rejected?: RejectedConnector[];
  started: string[];
  reconfigured: string[];
  stopped: string[];
  definitionError: string | null;
}

/**
 * Patch id of reconciler passes that keep the group definition out of the history: a regular activity reads it
 * and returns only each connector's name and digest; activities over chunks of names start and stop the
 * connectors, reading the definitions themselves. Before it, one local activity returned the whole definition
 * (a ~2 MB marker at 10,000 connectors, every poll) and another applied every change.
 */
export const chunkedPassesPatch = 'reconciler-chunked-passes';

/** What a reconciler learns from reading its group's definition: digests, never the definitions themselves. */
export type GroupDefinitionDigests =
  /** The definition is the one read last time (same digest): nothing to learn. */
  | { outcome: 'unchanged' }
  | { outcome: 'found'; digest: string; connectors: [connectorName: string, digest: string][]; rejected: RejectedConnector[] }
  | { outcome: 'not-found'; reason: string };

export interface ReadGroupDefinitionRequest {
  group: IntegrationGroupConfig;
  /** Digest of the definition the reconciler last read (null: none): an identical one answers `unchanged`. */
  knownDigest: string | null;
}

/** One chunk of a pass's changes; the activity reads the definitions of `configure` from the definition with `digest`. */
export interface ApplyConnectorChunkRequest {
  serverName: string;
  group: IntegrationGroupConfig;
  digest: string | null;
  /** Connectors to start (first run) with their definition. */
  start: string[];
  /** Running connectors to give their changed definition (they restart with it). */
  reconfigure: string[];
  stop: string[];
}

/** Failure type of a chunk whose definition changed since the pass read it: the reconciler reads it again. */
export const DefinitionChanged = 'DefinitionChanged';

export const reconcilerWorkflowId = (serverName: string, qualifiedName: string) => `reconciler/${serverName}/${qualifiedName}`;
/** Every reconciler of a server has this id prefix (server names contain no `/`), so one visibility list finds them. */
export const reconcilerWorkflowIdPrefix = (serverName: string) => `reconciler/${serverName}/`;

/** Sent by the daemon (at start and when the group config changes); identical configs are ignored. */
export const configureReconcilerSignal = defineSignal<[IntegrationGroupConfig]>('configureReconciler');
/** Sent by the daemon when the group is removed: stop the group's connectors, then end. */
export const stopReconcilerSignal = defineSignal('stopReconciler');
/** Sent by a local metadata service when a definition it holds changed (push; polling covers the rest). */
export const definitionChangedSignal = defineSignal<[{ metadataServerName: string; qualifiedName: string }]>('definitionChanged');
/** Re-reads the definition now and answers once the group is reconciled. */
export const refreshConfigUpdate = defineUpdate<ReconcileResult, []>('refreshConfig');
export const getGroupStatusQuery = defineQuery<GroupStatus>('getGroupStatus');

// ---- integration connector (one per connector of a group) ----

/** Where the connector's state machine is; carried across continue-as-new. */
export type ConnectorPhase = 'initialize' | 'refresh' | 'idle' | 'restart-wait' | 'failed' | 'config-wait';

export interface IntegrationConnectorInput {
  serverName: string;
  groupQualifiedName: string;
  definition: IntegrationConnectorDefinition;
  /** Carried across continue-as-new. */
  carried?: {
    phase: ConnectorPhase;
    status: ConnectorStatus;
    /** Failures since the last successful refresh; drives the backoff and maximumRestarts. */
    consecutiveFailures: number;
    /** When the current wait ends (next refresh or next restart), epoch ms. */
    wakeAt: number | null;
    refreshState: unknown;
    /** The connector refreshes in a regular activity, its last in-task refresh having overrun refreshInTaskBoundMs (refreshInTaskPatch). */
    refreshesInActivity?: boolean;
  };
}

/**
 * Patch id of connector runs whose refresh activity validates the configuration (a ConnectorConfigError is
 * CONFIG_FAILED) instead of a local activity before the first refresh: one activity and one workflow task fewer
 * per start; and which set TetherStateChangedAt with every published state. Before it, a refresh refused for
 * its configuration was FAILED and restarted.
 */
export const refreshValidatesPatch = 'refresh-validates';
/**
 * Search attribute (Datetime): when an integration connector run last published its state (its memo), so GET
 * …/status lists only the runs changed since its last read. Spelled out here rather than with the SDK's
 * defineSearchAttributeKey, which workflow code cannot import; search-attributes.ts lists it with the others.
 */
export const TetherStateChangedAt = { name: 'TetherStateChangedAt', type: 'DATETIME' } as const;

/**
 * Patch id of connector runs that refresh in a local activity, inside the workflow task the start or the timer
 * began (one workflow task, no activity task, one published state per refresh), falling back to a regular activity
 * for a connector whose refresh outlasts refreshInTaskBoundMs; and whose start carries the initial state in its memo.
 */
export const refreshInTaskPatch = 'refresh-in-task';
/**
 * How long a refresh may run inside a workflow task: well under the 8 s after which the worker extends the task (80%
 * of the default 10 s task timeout) and under the 5 s past which Core logs a slow task, so a short refresh is one
 * task. One that takes longer is cut off (its cancellation signal fires) and run again as a regular activity, which
 * heartbeats and may take 5 minutes. While a refresh runs in the task it holds one of the worker's workflow task
 * slots: the bound is also what keeps slow connectors from crowding out other workflows.
 */
export const refreshInTaskBoundMs = 4_000;
/** How long a connector may take from its start to its first published state (its first workflow task, under load). */
export const connectorInitializeBoundMs = 60_000;

/**
 * The state a connector is started with (the start's memo), so status lists it before its first workflow task ends:
 * REFRESHING, as its first task begins with its first refresh (what runs from before refreshInTaskPatch published first).
 */
export function initialPublishedConnectorState(groupQualifiedName: string, definition: IntegrationConnectorDefinition, now: number): PublishedConnectorState {
  return {
    ...initialConnectorStatus(definition.connectorName, definition.connectorType, new Date(now).toISOString()),
    connectorStatus: 'REFRESHING',
    groupQualifiedName,
    refreshIntervalSeconds: definition.refreshIntervalSeconds,
    expectedChangeBy: now + connectorInitializeBoundMs,
    publishedAt: now,
  };
}

/** Failure type of a refresh refused for its configuration (CONFIG_FAILED: no restart will fix it). */
export const ConnectorConfigError = 'ConnectorConfigError';

/** Every integration connector of a server has this id prefix (server names contain no `/`). */
export const integrationConnectorWorkflowIdPrefix = (serverName: string) => `integration/${serverName}/`;
export const integrationConnectorWorkflowId = (serverName: string, qualifiedName: string, connectorName: string) =>
  `integration/${serverName}/${qualifiedName}/${connectorName}`;

/** A (possibly) new definition from the reconciler; a changed one restarts the connector with it. */
export const configureConnectorSignal = defineSignal<[IntegrationConnectorDefinition]>('configureConnector');
export const refreshConnectorSignal = defineSignal('refreshConnector');
export const restartConnectorSignal = defineSignal('restartConnector');
export const stopConnectorSignal = defineSignal('stopConnector');
export const getConnectorStatusQuery = defineQuery<ConnectorStatus>('getConnectorStatus');
/** The definition the connector runs with (configuration-properties reads it). */
export const getConnectorDefinitionQuery = defineQuery<IntegrationConnectorDefinition>('getConnectorDefinition');

/** Key-order-independent JSON, so definitions compare by content (deterministic in workflows). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A short digest of a text (cyrb53: 53 bits, as 14 hex digits): tells definitions apart in workflow code, which
 * cannot use node:crypto. Not a security boundary: a collision only means a changed definition goes unnoticed.
 */
export function contentDigest(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** The digest by which a reconciler knows which definition a connector was given. */
export const definitionDigest = (definition: IntegrationConnectorDefinition) => contentDigest(canonicalJson(definition));

export const sameDefinition = (a: IntegrationConnectorDefinition, b: IntegrationConnectorDefinition) => canonicalJson(a) === canonicalJson(b);
