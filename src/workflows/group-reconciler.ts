import { ApplicationFailure, condition, continueAsNew, patched, proxyLocalActivities, setHandler, allHandlersFinished, upsertMemo } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { ApplyConnectorChangesRequest, createDaemonLifecycleActivities } from '../activities/daemon-lifecycle';
import type { createDaemonMetadataActivities } from '../activities/daemon-metadata';
import {
  canonicalJson,
  configureReconcilerSignal,
  definitionChangedSignal,
  getGroupStatusQuery,
  integrationConnectorWorkflowId,
  publishedStateMemoKey,
  publishStatePatch,
  refreshConfigUpdate,
  sameDefinition,
  stopReconcilerSignal,
  type ManagedConnector,
  type PublishedGroupState,
  type ReconcileResult,
  type ReconcilerInput,
  type RejectedConnector,
} from '../contracts/daemon-workflows';
import { failureMessage } from './failure-message';
import { historyIsLong } from './history-length';

type ReconcilerActivities = ReturnType<typeof createDaemonLifecycleActivities> & ReturnType<typeof createDaemonMetadataActivities>;

const retry: RetryPolicy = { initialInterval: '500ms', maximumAttempts: 3 };
const { fetchGroupDefinition } = proxyLocalActivities<ReconcilerActivities>({ startToCloseTimeout: '30s', retry });

/**
 * Each change is one client call (a few in flight at a time), so the deadline grows with their number: 30 s
 * plus 20 ms per change (10,000 connectors: 230 s), where a fixed 30 s failed every attempt past ~5,000.
 * A local activity's timeout is not part of the recorded history, so this replays like the fixed one.
 */
function applyConnectorChanges(request: ApplyConnectorChangesRequest): Promise<void> {
  const changes = request.configure.length + request.stop.length;
  return proxyLocalActivities<ReconcilerActivities>({ startToCloseTimeout: 30_000 + 20 * changes, retry }).applyConnectorChanges(request);
}

/**
 * Keeps one integration group's connectors in line with its definition: reads it over HTTP (polling, plus
 * a push from a local metadata service), diffs it against the connectors it runs, starts, restarts and stops them.
 */
export async function groupReconciler(input: ReconcilerInput): Promise<void> {
  const { serverName } = input;
  let group = input.group;
  const managed = new Map<string, ManagedConnector>((input.managed ?? []).map((connector) => [connector.definition.connectorName, connector]));
  let lastDefinitionError = input.lastDefinitionError ?? null;
  let lastReconciledAt = input.lastReconciledAt ?? null;
  let rejected: RejectedConnector[] = input.rejected ?? [];
  let lastResult: ReconcileResult = { started: [], reconfigured: [], stopped: [], definitionError: lastDefinitionError };
  let stopping = false;
  let rereadRequested = true;
  let passesStarted = 0;
  let passesCompleted = 0;

  setHandler(getGroupStatusQuery, () => ({ group, connectors: [...managed.values()], lastDefinitionError, lastReconciledAt }));

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

  async function reconcile(): Promise<ReconcileResult> {
    const qualifiedName = group.integrationGroupQualifiedName;
    let fetched;
    try {
      fetched = await fetchGroupDefinition(group);
    } catch (err) {
      // An unreachable metadata server is no reason to stop connectors that work: keep them, report it.
      lastDefinitionError = failureMessage(err);
      return { rejected, started: [], reconfigured: [], stopped: [], definitionError: lastDefinitionError };
    }
    // A group that is not defined (any more) runs no connectors; invalid connectors are rejected, the others run.
    const desired = fetched.found ? fetched.definition.connectors : [];
    lastDefinitionError = fetched.found ? null : fetched.reason;
    rejected = fetched.found ? (fetched.rejected ?? []) : [];
    const started = desired.filter((definition) => !managed.has(definition.connectorName));
    const reconfigured = desired.filter((definition) => {
      const current = managed.get(definition.connectorName);
      return current !== undefined && !sameDefinition(current.definition, definition);
    });
    const stopped = [...managed.keys()].filter((name) => !desired.some((definition) => definition.connectorName === name));
    if (started.length || reconfigured.length || stopped.length) {
      try {
        await applyConnectorChanges({ serverName, groupQualifiedName: qualifiedName, configure: [...started, ...reconfigured], stop: stopped });
      } catch (err) {
        // Visible in status and retried on the next pass; the reconciler itself never fails (it must stay to stop its connectors).
        lastDefinitionError = `Could not apply the definition: ${failureMessage(err)}`;
        return { rejected, started: [], reconfigured: [], stopped: [], definitionError: lastDefinitionError };
      }
      for (const name of stopped) managed.delete(name);
      for (const definition of [...started, ...reconfigured]) {
        managed.set(definition.connectorName, { workflowId: integrationConnectorWorkflowId(serverName, qualifiedName, definition.connectorName), definition });
      }
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

  for (;;) {
    publish();
    await condition(() => rereadRequested || stopping, input.pollIntervalSeconds * 1000);
    if (stopping) {
      try {
        await applyConnectorChanges({ serverName, groupQualifiedName: group.integrationGroupQualifiedName, configure: [], stop: [...managed.keys()] });
      } catch (err) {
        // Its connectors must not outlive the group: report, wait a poll interval, try again.
        lastDefinitionError = `Could not stop the group's connectors: ${failureMessage(err)}`;
        publish();
        await condition(() => !stopping, input.pollIntervalSeconds * 1000);
        continue;
      }
      managed.clear();
      // A configure signal that arrived meanwhile means the group was added again: keep going.
      if (stopping) return;
      rereadRequested = true;
      continue;
    }
    rereadRequested = false;
    passesStarted++;
    lastResult = await reconcile();
    passesCompleted++;
    if (historyIsLong() && allHandlersFinished() && !rereadRequested && !stopping) {
      await continueAsNew<typeof groupReconciler>({ serverName, group, pollIntervalSeconds: input.pollIntervalSeconds, managed: [...managed.values()], lastDefinitionError, lastReconciledAt, rejected });
    }
  }
}
