import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { parseSettings, type Settings } from '../../src/config/settings';
import { platformConnectionTarget, startPlatformConnection, supervisePlatformConnection, queryPlatformConnection } from '../../src/platform/connector-mode';
import type { PlatformConnectionStatus } from '../../src/contracts/platform-connection';
import { startTether, type RunningTether } from '../../src/runtime/tether';
import { parseKeyRing } from '../../src/temporal/codec';
import { suiteTemporalAddress, testCodecKey, testCredentials, uniqueTaskQueue } from '../support/tether';
import { capturingLogger, eventually } from './support';

export interface ConnectorTether extends RunningTether {
  settings: Settings;
  url: string;
  workflowId: string;
  lines: Array<Record<string, unknown>>;
  /** What the process would have done: exit code and its one line. */
  exits: Array<{ code: number; line: string }>;
  status(): Promise<PlatformConnectionStatus | undefined>;
  stopAll(): Promise<void>;
}

/**
 * A real Tether (API + worker, real Temporal) in connector mode, with windows scaled down to seconds,
 * its connection workflow started and supervised as the dev command does (exits recorded, not performed).
 */
export async function startConnectorTether(platformUrl: string, connectorId: string, secret: string, env: Record<string, string> = {}): Promise<ConnectorTether> {
  const settings = parseSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    TETHER_TASK_QUEUE: uniqueTaskQueue('platform'),
    TETHER_DATA_DIR: mkdtempSync(join(tmpdir(), 'tether-data-')),
    TETHER_PLATFORM_URL: platformUrl,
    TETHER_CONNECTOR_ID: connectorId,
    TETHER_CONNECTOR_SECRET: secret,
    TETHER_STARTUP_RETRY_SECONDS: '2',
    TETHER_RECONNECT_WINDOW_SECONDS: '3',
    TETHER_RECONNECT_INITIAL_SECONDS: '0.2',
    TETHER_RECONNECT_MAX_INTERVAL_SECONDS: '0.5',
    ...env,
  });
  const { log, lines } = capturingLogger();
  const tether = await startTether({
    settings,
    credentials: testCredentials,
    registry: loadConnectorRegistry(settings),
    keyRing: parseKeyRing(testCodecKey),
    log,
    temporalAddress: suiteTemporalAddress(),
    temporalUiUrl: 'http://127.0.0.1:8233',
    api: true,
    worker: true,
    workflowBundlePath: process.env.TETHER_TEST_WORKFLOW_BUNDLE,
  });
  const target = platformConnectionTarget(settings)!;
  const { workflowId } = target;
  await startPlatformConnection(tether.client, settings.TETHER_TASK_QUEUE, { workflowId, input: { ...target.input, policy: { ...target.input.policy, heartbeatTimeoutSeconds: 3 } } } /* a dead worker shows within seconds */, true);
  const exits: Array<{ code: number; line: string }> = [];
  const supervisor = supervisePlatformConnection({ client: tether.client, workflowId, log, exitWithConnection: true, exit: (code, line) => exits.push({ code, line }), pollMs: 100 });
  return {
    ...tether,
    settings,
    url: tether.url!,
    workflowId,
    lines,
    exits,
    status: () => queryPlatformConnection(tether.client, workflowId),
    async stopAll() {
      supervisor.stop();
      await tether.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
      await tether.stop();
    },
  };
}

export function phaseOf(tether: ConnectorTether, phase: PlatformConnectionStatus['phase'], timeoutMs = 10_000): Promise<PlatformConnectionStatus | undefined> {
  return eventually(() => tether.status(), (status) => status?.phase === phase, timeoutMs);
}
