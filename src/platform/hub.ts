import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { z } from 'zod';
import { errorHandler } from '../api/errors';
import { buildRouter, canonicalPaths, methodNotAllowed } from '../api/route';
import { createLogger, type Logger } from '../logging/logger';
import { adminRoutes } from './admin-router';
import { hubAuthentication, type HubRoute, type PlatformUser } from './auth';
import { BehaviourStore } from './behaviour-store';
import { behaviourCallRoutes, behavioursAdminRoutes } from './behaviours-router';
import { CredentialStore } from './credential-store';
import { defaultMaxFrameBytes } from './frames';
import { Relay } from './relay';
import { HubMetrics } from './hub-metrics';
import { defaultLoginLimits, LoginLimiter, type LoginLimits } from './login-limiter';
import { relayRoutes } from './relay-router';
import { attachConnectorSocketServer } from './socket-server';
import { createHttpServer, defaultHttpTimeouts, logClosedConnections, type HttpTimeouts } from '../api/http-server';

export interface PlatformHubOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  host?: string;
  /** Directory of the hub's state (registered connectors); kept across restarts. */
  dataDir: string;
  adminToken: string;
  /** Platform users, who may relay SPI and behaviour calls within their privileges (and the connector's). */
  users?: PlatformUser[];
  log?: Logger;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  /** How long a relayed SPI call waits for the connector's answer before a 504 (the SPI's sync window is 30 s). */
  relayTimeoutMs?: number;
  maxFrameBytes?: number;
  bodyLimitBytes?: number;
  /** Connector login attempts allowed per address and per id before the secret is even checked. */
  loginLimits?: LoginLimits;
  /** Slow-client bounds of the hub's HTTP server (WebSockets, once upgraded, are not bound by them). */
  httpTimeouts?: HttpTimeouts;
}

export interface PlatformHub {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Where connectors dial in, e.g. `ws://127.0.0.1:4000/connect`. */
  connectUrl: string;
  close(): Promise<void>;
}

/** The hub's route table, in matching order: each route declares who may call it (see src/api/route.ts). */
export function hubRoutes(store: CredentialStore, behaviours: BehaviourStore, relay: Relay, metrics: HubMetrics, relayTimeoutMs: number): HubRoute[] {
  const health: HubRoute = {
    method: 'get',
    path: '/health',
    summary: 'The hub runs; how many connectors are connected',
    tag: 'health',
    auth: 'public',
    responses: { 200: { description: 'Status', schema: z.object({ status: z.literal('ok'), connectedConnectors: z.number().int() }) } },
    handler: (ctx) => {
      ctx.body = { status: 'ok', connectedConnectors: relay.all().length };
    },
  };
  const exposition: HubRoute = {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of the hub: refused connector sockets by reason, refused HTTP calls',
    tag: 'health',
    auth: 'public',
    responses: { 200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' } },
    handler: async (ctx) => {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    },
  };
  return [
    health,
    exposition,
    ...adminRoutes(store, relay),
    ...behavioursAdminRoutes(behaviours, store, relay),
    // Before the SPI relay, whose `/connectors/{id}/*path` would claim behaviour calls.
    ...behaviourCallRoutes(store, relay, relayTimeoutMs),
    ...relayRoutes(store, relay, relayTimeoutMs),
  ];
}

/** The reference platform hub (DESIGN §6): connectors dial in over WebSocket; the admin API registers them; SPI calls are relayed to them. */
export async function startPlatformHub(options: PlatformHubOptions): Promise<PlatformHub> {
  const log = options.log ?? createLogger('info', 'tether-platform');
  const store = await CredentialStore.open(options.dataDir);
  const behaviours = await BehaviourStore.open(options.dataDir);
  const relay = new Relay();
  const tokens = { adminToken: options.adminToken, users: options.users ?? [] };

  const metrics = new HubMetrics();
  const app = new Koa();
  app.proxy = true;
  logClosedConnections(app, log);
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status === 401 || ctx.status === 403) metrics.refusedCall(ctx.status);
  });
  app.use(errorHandler(log));
  app.use(canonicalPaths());
  app.use(methodNotAllowed());
  app.use(buildRouter(hubRoutes(store, behaviours, relay, metrics, options.relayTimeoutMs ?? 45_000), hubAuthentication(tokens), { bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576 }).routes());

  const server = createHttpServer(app.callback(), options.httpTimeouts ?? defaultHttpTimeouts);
  const sockets = attachConnectorSocketServer(server, {
    store,
    behaviours,
    relay,
    log,
    maxFrameBytes: options.maxFrameBytes ?? defaultMaxFrameBytes,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
    loginLimiter: new LoginLimiter(options.loginLimits ?? defaultLoginLimits),
    metrics,
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachableHost}:${port}`;
  log.info({ url, dataDir: options.dataDir }, 'platform hub listening');

  return {
    url,
    connectUrl: `ws://${reachableHost}:${port}/connect`,
    async close() {
      await sockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
