import { condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { createPlatformActivities } from '../activities/platform-link';
import {
  getPlatformConnectionStatusQuery,
  platformLinkUpSignal,
  reconnectPlatformUpdate,
  type PlatformConnectionInput,
  type PlatformConnectionPhase,
  type PlatformConnectionStatus,
} from '../contracts/platform-connection';

type PlatformActivities = ReturnType<typeof createPlatformActivities>;

/**
 * Owns the outbound connection to the platform (DESIGN §6): STARTING (retry within the startup window)
 * → CONNECTED (an activity holds the socket) → RECONNECTING (exponential backoff within the reconnect
 * window) → FAILED (waits for a reconnect update). A refused id or secret fails at once; a connection
 * superseded by another connector with the same id ends the workflow in SUPERSEDED.
 */
export async function platformConnection(input: PlatformConnectionInput): Promise<PlatformConnectionStatus> {
  const { policy, platformUrl, connectorId } = input;
  const { holdPlatformLink } = proxyActivities<PlatformActivities>({
    // The link lives as long as the connection does; the heartbeat, not this, detects a dead worker.
    startToCloseTimeout: '3650 days',
    heartbeatTimeout: policy.heartbeatTimeoutSeconds * 1000,
    // Only worker deaths and unexpected errors retry here; connect failures come back as outcomes.
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds', backoffCoefficient: 2 },
  });

  const now = () => new Date(Date.now()).toISOString();
  let status: PlatformConnectionStatus = input.carried ?? { phase: 'STARTING', since: now(), attempts: 0, platformUrl, connectorId };
  // Attempts count from the start of each STARTING or RECONNECTING phase; the later phases keep the count.
  const enter = (phase: PlatformConnectionPhase, changes: Partial<PlatformConnectionStatus> = {}) => {
    const attempts = phase === 'STARTING' || phase === 'RECONNECTING' ? 0 : status.attempts;
    status = { ...status, phase, since: now(), attempts, nextAttemptAt: undefined, ...changes };
  };

  setHandler(getPlatformConnectionStatusQuery, () => status);
  setHandler(platformLinkUpSignal, ({ connectionId }) => enter('CONNECTED', { connectionId, lastError: undefined, refused: undefined }));
  setHandler(
    reconnectPlatformUpdate,
    () => {
      enter('RECONNECTING');
      return status;
    },
    {
      validator: () => {
        if (status.phase !== 'FAILED') throw new Error(`The platform connection is ${status.phase}; only a FAILED connection can be reconnected`);
      },
    },
  );

  for (;;) {
    if (status.phase === 'FAILED') await condition(() => status.phase !== 'FAILED');

    const windowSeconds = status.phase === 'STARTING' ? policy.startupRetrySeconds : policy.reconnectWindowSeconds;
    const deadline = Date.parse(status.since) + windowSeconds * 1000;
    status = { ...status, attempts: status.attempts + 1 };
    const attempt = status.attempts;
    const outcome = await holdPlatformLink({ platformUrl, connectorId, heartbeatTimeoutSeconds: policy.heartbeatTimeoutSeconds });

    if (outcome.kind === 'superseded') {
      enter('SUPERSEDED', { lastError: outcome.reason });
      return status;
    }
    if (outcome.kind === 'refused') {
      enter('FAILED', { lastError: `The platform refused connector id ${connectorId}: ${outcome.reason}`, refused: true });
      continue;
    }
    if (outcome.wasConnected || status.phase === 'CONNECTED') {
      // A dropped link is retried at once; backoff starts with the second attempt.
      enter('RECONNECTING', { lastError: outcome.reason });
      continue;
    }

    status = { ...status, lastError: outcome.reason };
    if (Date.now() >= deadline) {
      const window = status.phase === 'STARTING' ? `the start-up window of ${windowSeconds} s` : `the reconnect window of ${windowSeconds} s`;
      enter('FAILED', { lastError: `No connection to ${platformUrl} within ${window}: ${outcome.reason}` });
      continue;
    }
    const intervalMs = Math.min(
      policy.initialIntervalSeconds * policy.backoffCoefficient ** (attempt - 1),
      policy.maximumIntervalSeconds,
    ) * 1000;
    // The last attempt lands on the window's end rather than past it.
    const nextAttemptAt = Math.min(Date.now() + intervalMs, deadline);
    status = { ...status, nextAttemptAt: new Date(nextAttemptAt).toISOString() };
    await sleep(Math.max(1, nextAttemptAt - Date.now()));
    status = { ...status, nextAttemptAt: undefined };
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof platformConnection>({ ...input, carried: status });
  }
}
