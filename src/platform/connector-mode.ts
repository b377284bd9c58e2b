import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Settings } from '../config/settings';
import {
  getPlatformConnectionStatusQuery,
  platformConnectionWorkflowId,
  platformConnectionWorkflowType,
  policyFromSettings,
  type PlatformConnectionInput,
  type PlatformConnectionStatus,
} from '../contracts/platform-connection';
import type { Logger } from '../logging/logger';
import type { ReadinessCheck } from '../temporal/readiness';

/** The connection workflow this process owns, when it runs in connector mode (TETHER_PLATFORM_URL set). */
export function platformConnectionTarget(settings: Settings): { workflowId: string; input: PlatformConnectionInput } | undefined {
  if (!settings.TETHER_PLATFORM_URL || !settings.TETHER_CONNECTOR_ID) return undefined;
  return {
    workflowId: platformConnectionWorkflowId(settings.TETHER_TASK_QUEUE, settings.TETHER_PLATFORM_URL, settings.TETHER_CONNECTOR_ID),
    input: { platformUrl: settings.TETHER_PLATFORM_URL, connectorId: settings.TETHER_CONNECTOR_ID, policy: policyFromSettings(settings) },
  };
}

/**
 * Starts the connection workflow. `fresh` (the dev command: one process, one connection) replaces any run
 * left by an earlier process; otherwise a running one is shared (API replicas) and a closed one restarted.
 */
export async function startPlatformConnection(client: Client, taskQueue: string, target: { workflowId: string; input: PlatformConnectionInput }, fresh: boolean) {
  return client.workflow.start(platformConnectionWorkflowType, {
    workflowId: target.workflowId,
    taskQueue,
    args: [target.input],
    workflowIdConflictPolicy: fresh ? 'TERMINATE_EXISTING' : 'USE_EXISTING',
  });
}

export async function queryPlatformConnection(client: Client, workflowId: string): Promise<PlatformConnectionStatus | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).query(getPlatformConnectionStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Ready while the link is CONNECTED; otherwise the reason names the phase and the last error. */
export function platformLinkReadiness(client: Client, workflowId: string): ReadinessCheck {
  return async () => {
    try {
      const status = await queryPlatformConnection(client, workflowId);
      if (!status) return 'platform link not started';
      if (status.phase === 'CONNECTED') return undefined;
      return `platform link ${status.phase}${status.lastError ? `: ${status.lastError}` : ''}`;
    } catch (err) {
      return `platform link status unavailable: ${(err as Error).message}`;
    }
  };
}

export interface SuperviseOptions {
  client: Client;
  workflowId: string;
  log: Logger;
  /** The dev command: a superseded or (later) refused connection ends the process too. */
  exitWithConnection: boolean;
  /** Ends the process with one line; injected so tests observe it. */
  exit: (code: number, line: string) => void;
  pollMs?: number;
}

/**
 * Watches the connection on behalf of the process (DESIGN §6): a start-up that never connects, or refused
 * credentials, exit non-zero with one line; a superseded connection ends the dev process. Later failures
 * only show in readiness and `GET /admin/platform-connection`, waiting for an operator.
 */
export function supervisePlatformConnection(options: SuperviseOptions): { stop(): void } {
  let stopped = false;
  const check = async () => {
    const status = await queryPlatformConnection(options.client, options.workflowId).catch((err) => {
      options.log.debug({ err }, 'platform connection status unavailable');
      return undefined;
    });
    if (!status || stopped) return;
    // Read from the workflow's durable state, not from what this poll happened to see: a short-lived
    // connection between two polls still counts, so its later failure waits for an operator.
    const connectedOnce = status.connectionId !== undefined;
    if (status.phase === 'FAILED' && status.refused && (!connectedOnce || options.exitWithConnection)) {
      return finish(1, `${status.lastError} (check TETHER_CONNECTOR_ID and TETHER_CONNECTOR_SECRET)`);
    }
    if (status.phase === 'FAILED' && !connectedOnce) return finish(1, `${status.lastError} (TETHER_STARTUP_RETRY_SECONDS)`);
    if (status.phase === 'SUPERSEDED' && options.exitWithConnection) {
      return finish(0, `Stopping: another connector authenticated with id ${status.connectorId} at ${status.platformUrl}, so the platform shut this one down`);
    }
  };
  const finish = (code: number, line: string) => {
    stopped = true;
    clearInterval(timer);
    options.exit(code, line);
  };
  const timer = setInterval(() => void check(), options.pollMs ?? 500);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

export interface ConnectorModeOptions {
  client: Client;
  settings: Settings;
  log: Logger;
  /** The dev command: one process owns the connection, and ends with it when superseded or refused. */
  dev: boolean;
  /** Stops the process's parts before it exits (the embedded Temporal server, the worker). */
  beforeExit?: () => Promise<void>;
}

/** Starts the platform connection when TETHER_PLATFORM_URL is set, and watches it for the process; a no-op otherwise. */
export async function runConnectorMode(options: ConnectorModeOptions): Promise<{ stop(): void } | undefined> {
  const { client, settings, log } = options;
  const target = platformConnectionTarget(settings);
  if (!target) return undefined;
  await startPlatformConnection(client, settings.TETHER_TASK_QUEUE, target, options.dev);
  log.info({ workflowId: target.workflowId, platformUrl: target.input.platformUrl, connectorId: target.input.connectorId }, 'connecting to the platform');
  return supervisePlatformConnection({
    client,
    workflowId: target.workflowId,
    log,
    exitWithConnection: options.dev,
    exit: (code, line) => {
      (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
      void (options.beforeExit?.() ?? Promise.resolve()).finally(() => process.exit(code));
    },
  });
}
