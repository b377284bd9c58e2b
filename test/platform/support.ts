import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../src/logging/logger';
import type { SpiHandler } from '../../src/platform/frames';
import { startPlatformHub, type PlatformHub, type PlatformHubOptions } from '../../src/platform/hub';
import { openPlatformLink, type PlatformLink } from '../../src/platform/link';

export const hubAdminToken = 'hub-admin-token-0123456789';
export const hubUserToken = 'hub-user-token-0123456789';
export const hubAdmin = { Authorization: `Bearer ${hubAdminToken}` };

/** A logger whose lines the test can read (JSON objects, as pino writes them). */
export function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** A real hub on a random port with its own data dir. */
export async function startTestHub(options: Partial<PlatformHubOptions> = {}): Promise<PlatformHub & { dataDir: string; lines: Array<Record<string, unknown>> }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tether-hub-'));
  const { log, lines } = capturingLogger();
  const hub = await startPlatformHub({ port: 0, host: '127.0.0.1', dataDir, adminToken: hubAdminToken, users: [{ token: hubUserToken, privileges: ['*'] }], log, ...options });
  return { ...hub, dataDir, lines };
}

export async function registerConnector(hub: PlatformHub, id: string, secret: string, privileges: string[]): Promise<Response> {
  const response = await fetch(`${hub.url}/admin/connectors/${id}`, {
    method: 'PUT',
    headers: { ...hubAdmin, 'content-type': 'application/json' },
    body: JSON.stringify({ secret, privileges }),
  });
  if (response.status >= 300) throw new Error(`register ${id} failed: ${response.status} ${await response.text()}`);
  return response;
}

/** An SPI handler that echoes what it received, standing in for the connector's SPI service. */
export const echoHandler: SpiHandler = async (request) =>
  request.path === '/rcf/health'
    ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' }
    : { status: 200, body: { echoed: request } };

export async function connect(hub: PlatformHub, id: string, secret: string, handler: SpiHandler = echoHandler) {
  const { log, lines } = capturingLogger();
  const opening = await openPlatformLink({ url: hub.connectUrl, connectorId: id, secret, handler, log, pingIntervalMs: 1_000 });
  return { opening, lines, link: opening.ok ? opening.link : (undefined as unknown as PlatformLink) };
}

export async function listConnectors(hub: PlatformHub): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${hub.url}/admin/connectors`, { headers: hubAdmin });
  return ((await response.json()) as { connectors: Array<Record<string, unknown>> }).connectors;
}

export async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
