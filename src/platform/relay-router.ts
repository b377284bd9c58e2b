import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { ApiError, NotFoundError } from '../errors';
import { ErrorBody } from '../contracts/errors';
import { callerPrivileges, type HubRoute } from './auth';
import type { CredentialStore } from './credential-store';
import { ConnectorId, type SpiRequest } from './frames';
import { isAllowed } from './privileges';
import { notConnected, type Relay } from './relay';

/** Request headers that matter to the SPI; the platform's own Authorization stays on the platform. */
const forwardedRequestHeaders = ['accept', 'content-type', 'prefer', 'idempotency-key', 'x-request-id'];
/**
 * Response headers of a connector's answer that reach the platform user: what the SPI and behaviours answer with.
 * A connector is a machine on someone's premises: it must not set cookies on the hub's origin, redirect its
 * callers (`Location`), open CORS, or describe the hub's connection.
 */
const relayedHeader = (name: string) => /^(content-type|retry-after|allow|x-tether-[a-z0-9-]+)$/i.test(name);
/** The SPI answers JSON or plain text; anything else (an HTML page on the hub's origin) is sent as plain text. */
const relayedType = (value: string) => (/^(application\/json|text\/plain)\b/i.test(value) ? value : 'text/plain; charset=utf-8');

/** Copies the connector's answer headers that may reach the caller onto the hub's response. */
export function setRelayedHeaders(ctx: Context, headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (relayedHeader(name)) ctx.set(name, name.toLowerCase() === 'content-type' ? relayedType(value) : value);
  }
  ctx.set('X-Content-Type-Options', 'nosniff');
}

/** The SPI request to relay: everything after `/connectors/{id}` exactly as sent (still percent-encoded), query included. */
function spiRequestOf(ctx: Context): SpiRequest {
  const prefix = ctx.path.split('/', 3).join('/');
  const headers: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const value = ctx.get(name);
    if (value) headers[name] = value;
  }
  return { method: ctx.method, path: ctx.url.slice(prefix.length) || '/', headers, body: ctx.request.body };
}

const RelayParams = z.object({ id: ConnectorId, path: z.string().min(1).max(2048, 'must be at most 2048 characters') });

/**
 * `GET|POST /connectors/{id}/{spi path}`: relays one SPI call over the connector's socket. Platform users and the hub admin.
 * 404 unknown connector, 403 outside its privileges or the caller's, 503 not connected, 504 no answer in time.
 */
export function relayRoutes(store: CredentialStore, relay: Relay, timeoutMs: number): HubRoute[] {
  const handler: Middleware = async (ctx) => {
    const id = ctx.params.id!;
    const request = spiRequestOf(ctx);
    const spiPath = request.path.split('?', 1)[0];
    // The caller's own privileges first: a tenant's token learns nothing about connectors outside them.
    if (!isAllowed(callerPrivileges(ctx), request.path)) throw new ApiError(403, 'FORBIDDEN', `These credentials have no privilege for ${spiPath}`);
    const registered = store.get(id);
    if (!registered) throw new NotFoundError(`Connector ${id} is not registered`);
    if (!isAllowed(registered.privileges, request.path)) {
      throw new ApiError(403, 'FORBIDDEN', `Connector ${id} has no privilege for ${spiPath}`, { privileges: registered.privileges });
    }
    const connection = relay.get(id);
    if (!connection) throw notConnected(id);
    const response = await connection.call(request, timeoutMs);
    ctx.status = response.status;
    setRelayedHeaders(ctx, response.headers);
    ctx.set('X-Tether-Connection-Id', connection.connectionId);
    const typed = Object.keys(response.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
    if (response.body === undefined) ctx.body = '';
    else if (typeof response.body === 'string') ctx.body = response.body;
    else {
      ctx.body = JSON.stringify(response.body);
      if (!typed) ctx.type = 'application/json';
    }
  };
  const responses = {
    200: { description: "The connector's answer, status and headers passed on" },
    403: { description: 'Outside the connector privileges', schema: ErrorBody },
    404: { description: 'Connector not registered', schema: ErrorBody },
    503: { description: 'Connector not connected', schema: ErrorBody },
    504: { description: 'No answer in time', schema: ErrorBody },
  };
  return (['get', 'post'] as const).map(
    (method): HubRoute => ({
      method,
      path: '/connectors/:id/*path',
      summary: `Relay an SPI ${method.toUpperCase()} to a connected connector`,
      tag: 'relay',
      auth: 'platform-user',
      params: RelayParams,
      responses,
      handler,
    }),
  );
}
