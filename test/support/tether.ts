import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiDeps } from '../../src/api/app';
import type { Credentials } from '../../src/config/credentials';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { parseSettings, type Settings } from '../../src/config/settings';
import type { ConnectorRegistry } from '../../src/connectors/registry';
import { createLogger } from '../../src/logging/logger';
import { startTether, type RunningTether } from '../../src/runtime/tether';
import { parseKeyRing } from '../../src/temporal/codec';

export const testCredentials: Credentials = {
  adminToken: 'test-admin-token-0123456789',
  spiUser: 'catalog',
  spiPassword: 'catalog-password',
  spiToken: 'test-spi-token-0123456789',
};

/**
 * One codec key for every test Tether, so a restarted Tether reads what an earlier one wrote (as in production);
 * the recorded histories are encrypted with it too. A test-only key, not a secret.
 */
export const testCodecKey = readFileSync(join(__dirname, '..', 'histories', 'codec-key.txt'), 'utf8').trim();

export const adminAuth = { Authorization: `Bearer ${testCredentials.adminToken}` };
export const spiAuth = { Authorization: `Basic ${Buffer.from(`${testCredentials.spiUser}:${testCredentials.spiPassword}`).toString('base64')}` };

export function suiteTemporalAddress(): string {
  const address = process.env.TETHER_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('The jest global setup did not start a Temporal dev server');
  return address;
}

/** A unique task queue, so tests sharing the suite's server never take each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The dependencies the running Tether's API was built with (same settings, credentials, registry and client), to build its route table again. */
export function apiDepsOf(tether: TestTether): ApiDeps {
  return {
    settings: tether.settings,
    credentials: testCredentials,
    log: createLogger('silent'),
    client: tether.client,
    registry: loadConnectorRegistry(tether.settings),
    keyRing: parseKeyRing(testCodecKey),
    taskQueue: tether.settings.TETHER_TASK_QUEUE,
    temporalUiUrl: 'http://127.0.0.1:8233',
    readiness: [],
  };
}

export interface TestTetherOptions {
  env?: Record<string, string>;
  registry?: (settings: Settings) => ConnectorRegistry;
  api?: boolean;
  worker?: boolean;
  temporalAddress?: string;
}

export type TestTether = RunningTether & { settings: Settings; url: string };

/** Starts a real Tether (API + worker) on a random port against the suite's Temporal server. */
export async function startTestTether(options: TestTetherOptions = {}): Promise<TestTether> {
  const settings = parseSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TETHER_TASK_QUEUE: uniqueTaskQueue(),
    TETHER_DATA_DIR: mkdtempSync(join(tmpdir(), 'tether-data-')),
    ...options.env,
  });
  const tether = await startTether({
    settings,
    credentials: testCredentials,
    registry: (options.registry ?? loadConnectorRegistry)(settings),
    keyRing: parseKeyRing(testCodecKey),
    log: createLogger(settings.LOG_LEVEL),
    temporalAddress: options.temporalAddress ?? suiteTemporalAddress(),
    temporalUiUrl: 'http://127.0.0.1:8233',
    api: options.api ?? true,
    worker: options.worker ?? true,
    workflowBundlePath: process.env.TETHER_TEST_WORKFLOW_BUNDLE,
  });
  return { ...tether, settings, url: tether.url ?? '' };
}
