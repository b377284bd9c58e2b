import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import type { ExecutionContext } from './executions';

/** One SPI call, whatever carried it (HTTP here; the platform link relays them over a WebSocket). */
export interface SpiRequest {
  method: string;
  /** Path as sent, percent-encoded, optionally with a query string: `/myconnector/order_product`. */
  path: string;
  headers?: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or JSON text (parsed here), or undefined for no body. */
  body?: unknown;
}

/** The answer to send back: status, extra headers, and a JSON body (a string is sent as text/plain). */
export interface SpiResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** What the SPI service needs: the connectors, the Temporal side, and its sync window. */
export interface SpiDeps extends ExecutionContext {
  registry: ConnectorRegistry;
  log: Logger;
  /** How long a call waits for its execution before answering 202 (TETHER_SYNC_WINDOW_MS). */
  syncWindowMs: number;
}

/** The SPI service's dependencies from a process's parts; `temporalUiUrl` overrides the setting (the embedded UI). */
export function spiDepsFor(parts: { client: Client; registry: ConnectorRegistry; log: Logger; settings: Settings; temporalUiUrl?: string }): SpiDeps {
  const { settings } = parts;
  return {
    client: parts.client,
    registry: parts.registry,
    log: parts.log,
    taskQueue: settings.TETHER_TASK_QUEUE,
    namespace: settings.TEMPORAL_NAMESPACE,
    temporalUiUrl: parts.temporalUiUrl ?? settings.TEMPORAL_UI_URL,
    publicUrl: settings.TETHER_PUBLIC_URL,
    syncWindowMs: settings.TETHER_SYNC_WINDOW_MS,
  };
}

/** A header's value, case-insensitively; repeated headers are joined as HTTP does. */
export function headerValue(request: SpiRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** `Prefer: respond-async` (RFC 7240): answer 202 at once instead of waiting. */
export function prefersAsync(request: SpiRequest): boolean {
  return (headerValue(request, 'prefer') ?? '').split(/[,;]/).some((token) => token.trim().toLowerCase() === 'respond-async');
}
