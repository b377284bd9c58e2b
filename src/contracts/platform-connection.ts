import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/*
 * Contracts of the connection-lifecycle workflow (DESIGN §6), shared by the workflow, its activity,
 * the admin API and readiness. No Node imports: the workflow bundle includes this file.
 */

export const platformConnectionWorkflowType = 'platformConnection';

/** One workflow per Tether deployment (its task queue), platform URL and connector id; the id says what it is. */
export function platformConnectionWorkflowId(taskQueue: string, platformUrl: string, connectorId: string): string {
  return `platform-connection/${taskQueue}/${connectorId}@${platformUrl}`;
}

export type PlatformConnectionPhase = 'STARTING' | 'CONNECTED' | 'RECONNECTING' | 'FAILED' | 'SUPERSEDED';

/** What `GET /admin/platform-connection` answers. */
export interface PlatformConnectionStatus {
  phase: PlatformConnectionPhase;
  /** When the current phase began (ISO 8601). */
  since: string;
  /** Connection attempts made in the current phase. */
  attempts: number;
  /** When the next attempt is due, while waiting between attempts. */
  nextAttemptAt?: string;
  lastError?: string;
  /** Set when the platform refused the id or secret: terminal until an operator fixes them and reconnects. */
  refused?: boolean;
  /** The hub's id of the current (or last) connection. */
  connectionId?: string;
  platformUrl: string;
  connectorId: string;
}

/** Backoff knobs, in seconds (TETHER_STARTUP_RETRY_SECONDS, TETHER_RECONNECT_*). */
export interface PlatformConnectionPolicy {
  startupRetrySeconds: number;
  reconnectWindowSeconds: number;
  initialIntervalSeconds: number;
  maximumIntervalSeconds: number;
  backoffCoefficient: number;
  /** Heartbeat timeout of the activity holding the socket: how fast a dead worker is noticed and the link moved. */
  heartbeatTimeoutSeconds: number;
}

export interface PlatformConnectionInput {
  /** The hub's WebSocket endpoint (no credentials: the secret never enters workflow history). */
  platformUrl: string;
  connectorId: string;
  policy: PlatformConnectionPolicy;
  /** Carried over continue-as-new, so the status survives a history rollover. */
  carried?: PlatformConnectionStatus;
}

/** How one hold of the link ended, as the activity reports it. */
export type PlatformLinkOutcome =
  /** The socket dropped (`wasConnected`) or could not be opened. */
  | { kind: 'disconnected'; wasConnected: boolean; reason: string }
  | { kind: 'superseded'; reason: string }
  | { kind: 'refused'; reason: string };

export interface PlatformLinkInput {
  platformUrl: string;
  connectorId: string;
  heartbeatTimeoutSeconds: number;
}

/** Sent by the activity once the hub welcomed the connection. */
export interface PlatformLinkUp {
  connectionId: string;
}

export const platformLinkUpSignal = defineSignal<[PlatformLinkUp]>('platformLinkUp');
export const getPlatformConnectionStatusQuery = defineQuery<PlatformConnectionStatus>('getPlatformConnectionStatus');
/** Leaves FAILED and starts a fresh reconnect window; rejected in any other phase. */
export const reconnectPlatformUpdate = defineUpdate<PlatformConnectionStatus>('reconnectPlatform');

export function policyFromSettings(settings: {
  TETHER_STARTUP_RETRY_SECONDS: number;
  TETHER_RECONNECT_WINDOW_SECONDS: number;
  TETHER_RECONNECT_INITIAL_SECONDS: number;
  TETHER_RECONNECT_MAX_INTERVAL_SECONDS: number;
  TETHER_RECONNECT_COEFFICIENT: number;
}): PlatformConnectionPolicy {
  return {
    startupRetrySeconds: settings.TETHER_STARTUP_RETRY_SECONDS,
    reconnectWindowSeconds: settings.TETHER_RECONNECT_WINDOW_SECONDS,
    initialIntervalSeconds: settings.TETHER_RECONNECT_INITIAL_SECONDS,
    maximumIntervalSeconds: settings.TETHER_RECONNECT_MAX_INTERVAL_SECONDS,
    backoffCoefficient: settings.TETHER_RECONNECT_COEFFICIENT,
    heartbeatTimeoutSeconds: 30,
  };
}
