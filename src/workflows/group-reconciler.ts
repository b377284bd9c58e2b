import { ApplicationFailure, condition, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, allHandlersFinished, upsertMemo } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { ApplyConnectorChangesRequest, createDaemonLifecycleActivities } from '../activities/daemon-lifecycle';
import type { createDaemonMetadataActivities } from '../activities/daemon-metadata';
import {
  canonicalJson,
  chunkedPassesPatch,
  configureReconcilerSignal,
  definitionChangedSignal,
  definitionDigest,
  DefinitionChanged,
  getGroupStatusQuery,
  integrationConnectorWorkflowId,
  publishedStateMemoKey,
  publishStatePatch,
  refreshConfigUpdate,
  sameDefinition,
  stopReconcilerSignal,
  type ApplyConnectorChunkRequest,
  type PublishedGroupState,
  type ReconcileResult,
  type ReconcilerInput,
  type RejectedConnector,
} from '../contracts/daemon-workflows';
import { failureMessage } from './failure-message';
import { historyIsLong } from './history-length';

type ReconcilerActivities = ReturnType<typeof createDaemonLifecycleActivities> & ReturnType<typeof createDaemonMetadataActivities>;

const retry: RetryPolicy = { initialInterval: '500ms', maximumAttempts: 3 };
/** Runs from before chunkedPassesPatch only: the whole definition as a local activity's result. */
const { fetchGroupDefinition } = proxyLocalActivities<ReconcilerActivities>({ startToCloseTimeout: '30s', retry });
// Regular activities: the reconciler's workflow task ends while they run, so a slow metadata server or a long
// pass never holds it (and the configuration calls waiting on it). The read's fetch gives up after 10 s.
const { readGroupDefinition } = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '40s', retry });
const { applyConnectorChunk } = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '2m', retry });

/** Changes per chunk activity, and chunks applied at once: 10,000 new connectors are 40 activities, 4 at a time. */
const chunkSize = 250;
const chunksInFlight = 4;

/**
 * Runs from before chunkedPassesPatch only. Each change is one client call (a few in flight at a time), so the
 * deadline grows with their number: 30 s plus 20 ms per change. A local activity's timeout is not part of the
 * recorded history, so this replays like the fixed one.
 */
function applyConnectorChanges(request: ApplyConnectorChangesRequest): Promise<void> {
  const changes = request.configure.length + request.stop.length;
  return proxyLocalActivities<ReconcilerActivities>({ startToCloseTimeout: 30_000 + 20 * changes, retry }).applyConnectorChanges(request);
}

/** The desired connectors (name → definition digest) of the definition last read, and its digest. */
interface DesiredConnectors {
  digest: string | null;
  connectors: Map<string, string>;
  rejected: RejectedConnector[];
}

/**
 * Keeps one integration group's connectors in line with its definition: reads it over HTTP (polling, plus
 * a push from a local metadata service), diffs it against the connectors it runs, starts, restarts and stops them.
 */
export async function groupReconciler(input: ReconcilerInput): Promise<void> {
  // Decided once per run: a run from before the patch keeps its shape to the end, its continuation takes the new one.
  const chunked = patched(chunkedPassesPatch);
  const { serverName } = input;
  let group = input.group;
  /** The connectors this reconciler runs: name → digest of the definition each was given. */
  const managed = new Map<string, string>(
    input.managedDigests ?? (input.managed ?? []).map(({ definition }) => [definition.connectorName, definitionDigest(definition)] as [string, string]),
  );
  let lastDefinitionError = input.lastDefinitionError ?? null;
  let lastReconciledAt = input.lastReconciledAt ?? null;
  let rejected: RejectedConnector[] = input.rejected ?? [];
  let lastResult: ReconcileResult = { started: [], reconfigured: [], stopped: [], definitionError: lastDefinitionError };
  let lastRead: DesiredConnectors | undefined;
  let stopping = false;
  let rereadRequested = true;
  let passesStarted = 0;
  let passesCompleted = 0;

  setHandler(getGroupStatusQuery, () => ({
    group,
    connectors: [...managed].map(([connectorName, definitionDigest]) => ({
      connectorName,
      workflowId: integrationConnectorWorkflowId(serverName, group.integrationGroupQualifiedName, connectorName),
      definitionDigest,
    })),
    lastDefinitionError,
    lastReconciledAt,
  }));

  // The group's state goes to the memo on every change, so GET …/status reads it without asking this run.
  let lastPublished: string | undefined;
  const publish = () => {
    if (!patched(publishStatePatch)) return;
    const state: PublishedGroupState = { group, lastDefinitionError, lastReconciledAt, rejected };
    const key = canonicalJson(state);
    if (key !== lastPublished) upsertMemo({ [publishedStateMemoKey]: state });
    lastPublished = key;
  };
  setHandler(configureReconcilerSignal, (config) => {
    stopping = false;
    if (canonicalJson(config) !== canonicalJson(group)) {
      group = config;
      lastRead = undefined;
      rereadRequested = true;
    }
  });
  setHandler(stopReconcilerSignal, () => {
    stopping = true;
  });
  setHandler(definitionChangedSignal, ({ metadataServerName, qualifiedName }) => {
    if (metadataServerName === group.omagserverName && qualifiedName === group.integrationGroupQualifiedName) rereadRequested = true;
  });
  setHandler(refreshConfigUpdate, async () => {
    const after = passesStarted;
    rereadRequested = true;
    await condition(() => passesCompleted > after || stopping);
    if (passesCompleted <= after) throw ApplicationFailure.nonRetryable(`Integration group ${group.integrationGroupQualifiedName} is being removed`, 'GroupNotConfigured');
    return lastResult;
  });

  const unchanged = (): ReconcileResult => ({ rejected, started: [], reconfigured: [], stopped: [], definitionError: lastDefinitionError });

  /** Runs from before chunkedPassesPatch: the whole definition through the history, every change in one local activity. */
  async function reconcileAtOnce(): Promise<ReconcileResult> {
    const qualifiedName = group.integrationGroupQualifiedName;
    let fetched;
    try {
      fetched = await fetchGroupDefinition(group);
    } catch (err) {
      // An unreachable metadata server is no reason to stop connectors that work: keep them, report it.
      lastDefinitionError = failureMessage(err);
      return unchanged();
    }
    // A group that is not defined (any more) runs no connectors; invalid connectors are rejected, the others run.
    const desired = fetched.found ? fetched.definition.connectors : [];
    lastDefinitionError = fetched.found ? null : fetched.reason;
    rejected = fetched.found ? (fetched.rejected ?? []) : [];
    const started = desired.filter((definition) => !managed.has(definition.connectorName));
    const reconfigured = desired.filter((definition) => managed.has(definition.connectorName) && managed.get(definition.connectorName) !== definitionDigest(definition));
    const stopped = [...managed.keys()].filter((name) => !desired.some((definition) => definition.connectorName === name));
    if (started.length || reconfigured.length || stopped.length) {
      try {
        await applyConnectorChanges({ serverName, groupQualifiedName: qualifiedName, configure: [...started, ...reconfigured], stop: stopped });
      } catch (err) {
        // Visible in status and retried on the next pass; the reconciler itself never fails (it must stay to stop its connectors).
        lastDefinitionError = `Could not apply the definition: ${failureMessage(err)}`;
        return unchanged();
      }
      for (const name of stopped) managed.delete(name);
      for (const definition of [...started, ...reconfigured]) managed.set(definition.connectorName, definitionDigest(definition));
    }
    lastReconciledAt = new Date().toISOString();
    return {
      rejected,
      started: started.map((definition) => definition.connectorName),
      reconfigured: reconfigured.map((definition) => definition.connectorName),
      stopped,
      definitionError: lastDefinitionError,
    };
  }

  /**
   * Applies changes in chunks, {@link chunksInFlight} at a time; each applied chunk updates `managed` at once, so a
   * failed chunk leaves only its own connectors for the next pass. Answers the first failure, if any.
   */
  async function applyInChunks(desired: DesiredConnectors, changes: { start: string[]; reconfigure: string[]; stop: string[] }): Promise<unknown> {
    const all = [...changes.start.map((name) => ['start', name] as const), ...changes.reconfigure.map((name) => ['reconfigure', name] as const), ...changes.stop.map((name) => ['stop', name] as const)];
    const chunks: ApplyConnectorChunkRequest[] = [];
    for (let at = 0; at < all.length; at += chunkSize) {
      const slice = all.slice(at, at + chunkSize);
      const named = (kind: string) => slice.filter(([k]) => k === kind).map(([, name]) => name);
      chunks.push({ serverName, group, digest: desired.digest, start: named('start'), reconfigure: named('reconfigure'), stop: named('stop') });
    }
    let next = 0;
    let failure: unknown;
    const lane = async () => {
      while (failure === undefined && next < chunks.length) {
        const chunk = chunks[next++]!;
        try {
          await applyConnectorChunk(chunk);
        } catch (err) {
          failure ??= err;
          return;
        }
        for (const name of chunk.stop) managed.delete(name);
        for (const name of [...chunk.start, ...chunk.reconfigure]) managed.set(name, desired.connectors.get(name)!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(chunksInFlight, chunks.length) }, lane));
    return failure;
  }

  /** Reads the definition as digests (the definitions stay out of this history) and applies the difference in chunks. */
  async function reconcileInChunks(): Promise<ReconcileResult> {
    let read;
    try {
      read = await readGroupDefinition({ group, knownDigest: lastRead?.digest ?? null });
    } catch (err) {
      // An unreachable metadata server is no reason to stop connectors that work: keep them, report it.
      lastDefinitionError = failureMessage(err);
      return unchanged();
    }
    // A group that is not defined (any more) runs no connectors; invalid connectors are rejected, the others run.
    if (read.outcome === 'found') lastRead = { digest: read.digest, connectors: new Map(read.connectors), rejected: read.rejected };
    if (read.outcome === 'not-found') lastRead = { digest: null, connectors: new Map(), rejected: [] };
    const desired = lastRead!;
    lastDefinitionError = read.outcome === 'not-found' ? read.reason : null;
    rejected = desired.rejected;
    const changes = {
      start: [...desired.connectors.keys()].filter((name) => !managed.has(name)),
      reconfigure: [...desired.connectors].filter(([name, digest]) => managed.has(name) && managed.get(name) !== digest).map(([name]) => name),
      stop: [...managed.keys()].filter((name) => !desired.connectors.has(name)),
    };
    const failure = await applyInChunks(desired, changes);
    const applied = (names: string[], done: (name: string) => boolean) => names.filter(done);
    const result = {
      rejected,
      started: applied(changes.start, (name) => managed.has(name)),
      reconfigured: applied(changes.reconfigure, (name) => managed.get(name) === desired.connectors.get(name)),
      stopped: applied(changes.stop, (name) => !managed.has(name)),
    };
    if (failure !== undefined) {
      // Visible in status and retried on the next pass (at once if the definition changed meanwhile); the
      // reconciler itself never fails (it must stay to stop its connectors).
      lastDefinitionError = `Could not apply the definition: ${failureMessage(failure)}`;
      if ((failure as { cause?: { type?: string } }).cause?.type === DefinitionChanged) {
        lastRead = undefined;
        rereadRequested = true;
      }
      return { ...result, definitionError: lastDefinitionError };
    }
    lastReconciledAt = new Date().toISOString();
    return { ...result, definitionError: lastDefinitionError };
  }

  /** Stops every connector this reconciler runs; true when all are stopped. */
  async function stopAll(): Promise<boolean> {
    let failure: unknown;
    if (chunked) {
      failure = await applyInChunks({ digest: null, connectors: new Map(), rejected: [] }, { start: [], reconfigure: [], stop: [...managed.keys()] });
    } else {
      failure = await applyConnectorChanges({ serverName, groupQualifiedName: group.integrationGroupQualifiedName, configure: [], stop: [...managed.keys()] }).then(
        () => undefined,
        (err: unknown) => err,
      );
    }
    if (failure === undefined) {
      managed.clear();
      return true;
    }
    // Its connectors must not outlive the group: report, wait a poll interval, try again.
    lastDefinitionError = `Could not stop the group's connectors: ${failureMessage(failure)}`;
    return false;
  }

  for (;;) {
    publish();
    await condition(() => rereadRequested || stopping, input.pollIntervalSeconds * 1000);
    if (stopping) {
      if (!(await stopAll())) {
        publish();
        await condition(() => !stopping, input.pollIntervalSeconds * 1000);
        continue;
      }
      // A configure signal that arrived meanwhile means the group was added again: keep going.
      if (stopping) return;
      lastRead = undefined;
      rereadRequested = true;
      continue;
    }
    rereadRequested = false;
    passesStarted++;
    lastResult = await (chunked ? reconcileInChunks() : reconcileAtOnce());
    passesCompleted++;
    if (historyIsLong() && allHandlersFinished() && !rereadRequested && !stopping) {
      await continueAsNew<typeof groupReconciler>({ serverName, group, pollIntervalSeconds: input.pollIntervalSeconds, managedDigests: [...managed], lastDefinitionError, lastReconciledAt, rejected });
    }
  }
}
