import {
  ApplicationFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createDaemonConnectorActivities } from '../activities/daemon-connectors';
import type { ConnectorStatusValue } from '../contracts/daemon';
import {
  canonicalJson,
  configureConnectorSignal,
  connectorInitializeBoundMs,
  connectorRunMaxEvents,
  connectorShortRunsPatch,
  ConnectorConfigError,
  getConnectorDefinitionQuery,
  getConnectorStatusQuery,
  initialConnectorStatus,
  publishedStateMemoKey,
  publishStatePatch,
  refreshConnectorSignal,
  refreshInTaskBoundMs,
  refreshInTaskPatch,
  refreshValidatesPatch,
  restartConnectorSignal,
  sameDefinition,
  stopConnectorSignal,
  type ConnectorPhase,
  type ConnectorStatus,
  type IntegrationConnectorInput,
  type PublishedConnectorState,
  TetherStateChangedAt,
} from '../contracts/daemon-workflows';
import { defaultRestartPolicy } from '../contracts/metadata-store';
import { failureMessage } from './failure-message';
import { historyIsLong } from './history-length';

type ConnectorActivities = ReturnType<typeof createDaemonConnectorActivities>;

/** Runs from before refreshValidatesPatch only. */
const { validateIntegrationConnector } = proxyLocalActivities<ConnectorActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});
// One attempt: the connector's restart policy is the (visible) retry.
const { refreshIntegrationConnector } = proxyActivities<ConnectorActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  retry: { maximumAttempts: 1 },
});
// The same refresh inside the workflow task (refreshInTaskPatch). A worker that dies meanwhile loses the task: the
// next worker replays it and refreshes again, after the task timeout (10 s).
const { refreshIntegrationConnector: refreshIntegrationConnectorInTask } = proxyLocalActivities<ConnectorActivities>({
  startToCloseTimeout: refreshInTaskBoundMs,
  retry: { maximumAttempts: 1 },
});

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** How long a refresh in a regular activity may last before its state must change (the activity's bound, plus slack). */
const refreshBoundMs = 5 * 60_000 + 30_000;

/** The failure and its causes: a regular activity's failure wraps the activity's error, a local activity's is that error. */
function* causes(err: unknown): Generator<unknown> {
  for (let at = err; at !== undefined; at = at instanceof Error ? at.cause : undefined) yield at;
}
/** A refresh refused because the configuration is invalid: only a new definition (or a manual restart) helps. */
const isConfigError = (err: unknown) => [...causes(err)].some((cause) => cause instanceof ApplicationFailure && cause.type === ConnectorConfigError);
/** A refresh inside the workflow task that outlasted refreshInTaskBoundMs. */
const isTimeout = (err: unknown) => [...causes(err)].some((cause) => cause instanceof TimeoutFailure);

/**
 * One integration connector: validates its configuration, refreshes every refreshIntervalSeconds, restarts
 * itself on its restart policy after a failure, waits for a fixed definition after a configuration error.
 */
export async function integrationConnector(input: IntegrationConnectorInput): Promise<void> {
  // Decided once per run (see refreshValidatesPatch): runs from before it keep validating in a local activity
  // and do not publish TetherStateChangedAt (the status reader lists those every time).
  // Likewise (see refreshInTaskPatch): runs from before it refresh in a regular activity, REFRESHING published first.
  // A run with the newest patch has the older ones too, so it records only the newest marker (each patch marker also
  // upserts TemporalChangeVersion: two events and a visibility write per patch and run).
  // A run continued by one with connectorShortRunsPatch says so in its input: no marker at all for those.
  const carried = input.carried;
  const shortRuns = carried?.shortRuns === true || patched(connectorShortRunsPatch);
  const refreshInTask = shortRuns || patched(refreshInTaskPatch);
  const refreshValidates = refreshInTask || patched(refreshValidatesPatch);
  let definition = input.definition;
  const status: ConnectorStatus = carried?.status ?? initialConnectorStatus(definition.connectorName, definition.connectorType, iso(Date.now()));
  let phase: ConnectorPhase = carried?.phase ?? 'initialize';
  let consecutiveFailures = carried?.consecutiveFailures ?? 0;
  let wakeAt = carried?.wakeAt ?? null;
  let refreshState: unknown = carried?.refreshState ?? null;
  let refreshesInActivity = !refreshInTask || (carried?.refreshesInActivity ?? false);

  let stopRequested = false;
  let reconfigured = false;
  let restartRequested = false;
  let refreshRequested = false;
  const interrupted = () => stopRequested || reconfigured || restartRequested || refreshRequested;

  setHandler(getConnectorStatusQuery, () => status);
  setHandler(getConnectorDefinitionQuery, () => definition);

  // The state is written to the memo at every step that waits, so GET …/status reads it without asking this run.
  // A continued run's memo already holds what the previous run published (continue-as-new keeps the memo).
  let lastPublished: string | undefined = shortRuns ? carried?.publishedKey : undefined;
  const publish = () => {
    if (!refreshInTask && !patched(publishStatePatch)) return;
    // A wake that refreshes inside its workflow task publishes nothing until the refresh is over: up to its bound later.
    const wokenBy = (epochMs: number | null) => (epochMs === null || refreshesInActivity ? epochMs : epochMs + refreshInTaskBoundMs);
    const expectedChangeBy =
      phase === 'initialize' ? Date.now() + connectorInitializeBoundMs : phase === 'refresh' ? Date.now() + refreshBoundMs : phase === 'idle' || phase === 'restart-wait' ? wokenBy(wakeAt) : null;
    const state: Omit<PublishedConnectorState, 'publishedAt'> = {
      ...status,
      groupQualifiedName: input.groupQualifiedName,
      refreshIntervalSeconds: definition.refreshIntervalSeconds,
      expectedChangeBy,
    };
    const key = canonicalJson(state);
    if (key === lastPublished) return;
    lastPublished = key;
    const publishedAt = Date.now();
    upsertMemo({ [publishedStateMemoKey]: { ...state, publishedAt } satisfies PublishedConnectorState });
    // Lets the status reader list only the runs that changed since its last read.
    if (refreshValidates) upsertSearchAttributes([{ key: TetherStateChangedAt, value: new Date(publishedAt) }]);
  };
  setHandler(configureConnectorSignal, (next) => {
    if (sameDefinition(next, definition)) return;
    definition = next;
    reconfigured = true;
  });
  setHandler(refreshConnectorSignal, () => void (refreshRequested = true));
  setHandler(restartConnectorSignal, () => void (restartRequested = true));
  setHandler(stopConnectorSignal, () => void (stopRequested = true));

  const setStatus = (value: ConnectorStatusValue) => {
    if (status.connectorStatus === value) return;
    status.connectorStatus = value;
    status.lastStatusChange = iso(Date.now());
  };
  const restart = () => {
    status.restartCount++;
    status.lastRestartAt = iso(Date.now());
    status.nextRestartAt = null;
    phase = 'initialize';
  };
  const fail = (terminalStatus: 'FAILED' | 'INITIALIZE_FAILED', message: string) => {
    consecutiveFailures++;
    status.failingExceptionMessage = message;
    const policy = definition.restartPolicy ?? defaultRestartPolicy;
    if (policy.maximumRestarts !== undefined && consecutiveFailures > policy.maximumRestarts) {
      setStatus(terminalStatus);
      status.nextRestartAt = null;
      phase = 'failed';
      return;
    }
    const delaySeconds = Math.min(policy.initialIntervalSeconds * policy.coefficient ** (consecutiveFailures - 1), policy.maximumIntervalSeconds);
    wakeAt = Date.now() + delaySeconds * 1000;
    status.nextRestartAt = iso(wakeAt);
    setStatus('RESTARTING');
    phase = 'restart-wait';
  };
  const continueAsNewIfLong = async () => {
    if (!historyIsLong(shortRuns ? connectorRunMaxEvents : undefined) || !allHandlersFinished() || interrupted()) return;
    await continueAsNew<typeof integrationConnector>({
      ...input,
      definition,
      carried: {
        phase,
        status,
        consecutiveFailures,
        wakeAt,
        refreshState,
        ...(refreshInTask ? { refreshesInActivity } : {}),
        ...(shortRuns ? { shortRuns, publishedKey: lastPublished } : {}),
      },
    });
  };
  const until = (epochMs: number | null) => Math.max(0, (epochMs ?? 0) - Date.now());

  /**
   * One refresh: inside this workflow task when it is short (its outcome published once, when done), else as a
   * regular activity with REFRESHING published while it runs. A connector whose in-task refresh overran its bound
   * refreshes in an activity until one takes under half that bound again.
   */
  const refresh = async (request: Parameters<typeof refreshIntegrationConnector>[0]) => {
    if (!refreshesInActivity) {
      try {
        return await refreshIntegrationConnectorInTask(request);
      } catch (err) {
        if (!isTimeout(err)) throw err;
        refreshesInActivity = true;
      }
    }
    publish();
    const began = Date.now();
    const outcome = await refreshIntegrationConnector(request);
    if (refreshInTask && Date.now() - began < refreshInTaskBoundMs / 2) refreshesInActivity = false;
    return outcome;
  };

  for (;;) {
    if (stopRequested) {
      setStatus('STOPPED');
      status.nextRestartAt = null;
      return;
    }
    if (reconfigured || restartRequested) {
      // A new definition or a manual restart starts afresh: validated again, backoff reset.
      reconfigured = false;
      restartRequested = false;
      consecutiveFailures = 0;
      status.connectorType = definition.connectorType;
      status.failingExceptionMessage = null;
      setStatus('RESTARTING');
      restart();
    }
    switch (phase) {
      case 'initialize': {
        if (refreshValidates) {
          // The refresh checks the configuration first: one activity and one workflow task fewer per start.
          phase = 'refresh';
          break;
        }
        publish();
        let validation;
        try {
          validation = await validateIntegrationConnector({ group: input.groupQualifiedName, connectorName: definition.connectorName, connectorType: definition.connectorType, configuration: definition.configuration });
        } catch (err) {
          fail('INITIALIZE_FAILED', failureMessage(err));
          break;
        }
        if (!validation.ok) {
          // Restarting cannot fix a bad definition: wait for a new one (or a manual restart after a deploy).
          status.failingExceptionMessage = validation.reason;
          status.nextRestartAt = null;
          setStatus('CONFIG_FAILED');
          phase = 'config-wait';
          break;
        }
        setStatus('WAITING');
        phase = 'refresh';
        break;
      }
      case 'refresh': {
        refreshRequested = false;
        setStatus('REFRESHING');
        try {
          const outcome = await refresh({
            group: input.groupQualifiedName,
            connectorName: definition.connectorName,
            connectorType: definition.connectorType,
            configuration: definition.configuration,
            previousState: refreshState,
          });
          refreshState = outcome.state;
          status.refreshCount++;
          status.lastRefreshTime = iso(Date.now());
          status.lastRefreshSummary = outcome.summary;
          status.failingExceptionMessage = null;
          consecutiveFailures = 0;
          setStatus('RUNNING');
          wakeAt = Date.now() + definition.refreshIntervalSeconds * 1000;
          phase = 'idle';
        } catch (err) {
          if (refreshValidates && isConfigError(err)) {
            // Restarting cannot fix a bad definition: wait for a new one (or a manual restart after a deploy).
            status.failingExceptionMessage = failureMessage(err);
            status.nextRestartAt = null;
            setStatus('CONFIG_FAILED');
            phase = 'config-wait';
            break;
          }
          fail('FAILED', failureMessage(err));
        }
        break;
      }
      case 'idle': {
        publish();
        await continueAsNewIfLong();
        await condition(interrupted, until(wakeAt));
        if (!stopRequested && !reconfigured && !restartRequested) phase = 'refresh';
        break;
      }
      case 'restart-wait': {
        publish();
        await continueAsNewIfLong();
        const timedOut = !(await condition(interrupted, until(wakeAt)));
        // A manual refresh while waiting means "try now".
        if (timedOut || (refreshRequested && !stopRequested && !reconfigured && !restartRequested)) {
          refreshRequested = false;
          restart();
        }
        break;
      }
      case 'failed':
      case 'config-wait': {
        publish();
        await continueAsNewIfLong();
        await condition(() => stopRequested || reconfigured || restartRequested);
        break;
      }
    }
  }
}
