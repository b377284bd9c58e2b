import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, proxyLocalActivities, setHandler, upsertMemo } from '@temporalio/workflow';
import type { IntegrationGroupConfig } from '../contracts/daemon';
import type { createDaemonLifecycleActivities } from '../activities/daemon-lifecycle';
import {
  configureAllGroupsUpdate,
  configureGroupUpdate,
  getGroupsQuery,
  groupConfigListProblem,
  groupConfigProblem,
  GroupNotConfigured,
  InvalidGroupConfig,
  removeAllGroupsUpdate,
  publishedStateMemoKey,
  publishStatePatch,
  removeGroupUpdate,
  type DaemonInput,
  type PublishedDaemonState,
} from '../contracts/daemon-workflows';
import { failureMessage } from './failure-message';
import { historyIsLong } from './history-length';

const { syncReconcilers } = proxyLocalActivities<ReturnType<typeof createDaemonLifecycleActivities>>({
  startToCloseTimeout: '30s',
  // Transient failures (Temporal busy) are retried; a refused request (bad workflow id) fails at once: see syncReconcilers.
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Refuses an invalid body before it enters history, naming the first bad field. */
function refuseIf(problem: string | undefined): void {
  if (problem) throw ApplicationFailure.nonRetryable(problem, InvalidGroupConfig);
}

/**
 * The integration daemon of one server: holds its integration group configuration (updates apply it,
 * queries read it) and keeps one reconciler running per configured group.
 */
export async function integrationDaemon(input: DaemonInput): Promise<void> {
  const groups = new Map(input.groups.map((group) => [group.integrationGroupQualifiedName, group]));
  const pendingStops = new Set(input.pendingStops ?? []);
  // Each change bumps the generation; an update answers once the reconcilers reflect its generation.
  let generation = 1;
  let syncedGeneration = 0;
  let lastSyncError: string | null = null;

  // The configuration goes to the memo at every change, so reads (GET configuration, status) need no worker.
  const publish = () => {
    if (!patched(publishStatePatch)) return;
    upsertMemo({ [publishedStateMemoKey]: { groups: [...groups.values()], lastSyncError } satisfies PublishedDaemonState });
  };

  const changed = async () => {
    const mine = ++generation;
    await condition(() => syncedGeneration >= mine);
  };
  const add = (config: IntegrationGroupConfig) => {
    groups.set(config.integrationGroupQualifiedName, config);
    pendingStops.delete(config.integrationGroupQualifiedName);
  };
  const remove = (qualifiedName: string) => {
    groups.delete(qualifiedName);
    pendingStops.add(qualifiedName);
  };

  setHandler(getGroupsQuery, () => [...groups.values()]);
  setHandler(
    configureGroupUpdate,
    async (config) => {
      add(config);
      await changed();
    },
    { validator: (config) => refuseIf(groupConfigProblem(config)) },
  );
  setHandler(
    configureAllGroupsUpdate,
    async (configs) => {
      for (const qualifiedName of [...groups.keys()]) remove(qualifiedName);
      for (const config of configs) add(config);
      await changed();
    },
    { validator: (configs) => refuseIf(groupConfigListProblem(configs)) },
  );
  setHandler(
    removeGroupUpdate,
    async (qualifiedName) => {
      remove(qualifiedName);
      await changed();
    },
    {
      validator: (qualifiedName) => {
        if (!groups.has(qualifiedName)) throw ApplicationFailure.nonRetryable(`Integration group ${qualifiedName} is not configured on server ${input.serverName}`, GroupNotConfigured);
      },
    },
  );
  setHandler(removeAllGroupsUpdate, async () => {
    for (const qualifiedName of [...groups.keys()]) remove(qualifiedName);
    await changed();
  });

  for (;;) {
    await condition(() => generation > syncedGeneration || historyIsLong());
    if (generation > syncedGeneration) {
      const target = generation;
      const removed = [...pendingStops];
      try {
        // Also re-sent for unchanged groups: a reconciler ignores a config identical to its own.
        await syncReconcilers({ serverName: input.serverName, groups: [...groups.values()], removed, pollIntervalSeconds: input.pollIntervalSeconds });
        for (const qualifiedName of removed) if (!groups.has(qualifiedName)) pendingStops.delete(qualifiedName);
        lastSyncError = null;
      } catch (err) {
        // Never retry forever with updates waiting: answer them, show the reason in status, try again at the next change.
        lastSyncError = failureMessage(err);
      }
      syncedGeneration = target;
      publish();
      continue;
    }
    await condition(allHandlersFinished);
    if (generation === syncedGeneration) {
      await continueAsNew<typeof integrationDaemon>({ ...input, groups: [...groups.values()], pendingStops: [...pendingStops] });
    }
  }
}
