import type { BehavioursManager } from '../behaviours/manager';
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import type { KeyRing } from '../temporal/codec';
import type { ReadinessCheck } from '../temporal/readiness';
import { errorHandler } from './errors';
import { canonicalPaths, methodNotAllowed } from './route';
import { createApiRouter } from './routers';
import { logClosedConnections } from './http-server';

/** Everything the HTTP API needs; built once per process by the runtime. */
export interface ApiDeps {
  settings: Settings;
  credentials: Credentials;
  log: Logger;
  client: Client;
  registry: ConnectorRegistry;
  /** The Behaviours Manager of this process (connector mode with a worker). */
  behaviours?: BehavioursManager;
  /** Payload codec keys, for the codec-server endpoints the Temporal UI calls. */
  keyRing: KeyRing;
  taskQueue: string;
  /** Base URL of the Temporal Web UI, for deep links in responses. */
  temporalUiUrl?: string;
  readiness: ReadinessCheck[];
}

const plainRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the Koa application: request ids, the one error path, canonical paths, then the route table's router. */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  logClosedConnections(app, deps.log);
  // One JSON log line per request, tied to its id (echoed as X-Request-Id); headers and bodies are never logged.
  app.use(async (ctx, next) => {
    const given = ctx.get('x-request-id');
    // A caller's id is kept only when it is a short plain token: it is echoed and logged on every line of the request.
    ctx.state.requestId = plainRequestId.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    const started = performance.now();
    await next();
    deps.log.info({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(errorHandler(deps.log));
  app.use(canonicalPaths());
  app.use(methodNotAllowed());
  app.use(createApiRouter(deps).routes());
  return app;
}
