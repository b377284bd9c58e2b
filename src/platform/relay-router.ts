import Router from '@koa/router';
import type { Context } from 'koa';
import { ApiError, NotFoundError } from '../api/errors';
import type { CredentialStore } from './credential-store';
import type { SpiRequest } from './frames';
import { isAllowed } from './privileges';
import { notConnected, type Relay } from './relay';

/** Request headers that matter to the SPI; the platform's own Authorization stays on the platform. */
const forwardedRequestHeaders = ['accept', 'content-type', 'prefer', 'idempotency-key', 'x-request-id'];
/** Response headers that describe the connection, not the answer, are not copied back. */
const hopByHopHeaders = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'upgrade']);

function spiRequestOf(ctx: Context): SpiRequest {
  const prefix = `/connectors/${ctx.params.id}`;
  const headers: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const value = ctx.get(name);
    if (value) headers[name] = value;
  }
  return { method: ctx.method, path: ctx.url.slice(prefix.length) || '/', headers, body: ctx.request.body };
}

/**
 * `ANY /connectors/{id}/{spi path}`: relays one SPI call over the connector's socket.
 * 404 unknown connector, 403 outside its privileges, 503 not connected, 504 no answer in time.
 */
export function createRelayRouter(store: CredentialStore, relay: Relay, timeoutMs: number): Router {
  const router = new Router();
  router.all('/connectors/:id/{*path}', async (ctx) => {
    const id = ctx.params.id!;
    const registered = store.get(id);
    if (!registered) throw new NotFoundError(`Connector ${id} is not registered`);
    const request = spiRequestOf(ctx);
    if (!isAllowed(registered.privileges, request.path)) {
      throw new ApiError(403, 'FORBIDDEN', `Connector ${id} has no privilege for ${request.path.split('?', 1)[0]}`, {
        privileges: registered.privileges,
      });
    }
    const connection = relay.get(id);
    if (!connection) throw notConnected(id);
    const response = await connection.call(request, timeoutMs);
    ctx.status = response.status;
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (!hopByHopHeaders.has(name.toLowerCase())) ctx.set(name, value);
    }
    ctx.set('X-Tether-Connection-Id', connection.connectionId);
    const typed = Object.keys(response.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
    if (response.body === undefined) ctx.body = '';
    else if (typeof response.body === 'string') ctx.body = response.body;
    else {
      ctx.body = JSON.stringify(response.body);
      if (!typed) ctx.type = 'application/json';
    }
  });
  return router;
}
