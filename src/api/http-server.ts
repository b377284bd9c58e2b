import { createServer, type RequestListener, type Server } from 'node:http';
import type Koa from 'koa';
import { parseSettings, type Settings } from '../config/settings';
import type { Logger } from '../logging/logger';

/**
 * How long a client may take to send a request, so a slow client (slowloris: headers or a body dribbled a
 * byte at a time) cannot hold a socket for Node's defaults of 60 s (headers) and 300 s (whole request).
 * Both bound receiving the request only: a sync action answering after up to 30 s is not cut (the timers
 * stop once the request is read), nor is a WebSocket once upgraded (it leaves the HTTP parser).
 */
export interface HttpTimeouts {
  /** Receiving the request line and headers (Node answers 408 and closes). */
  headersTimeoutMs: number;
  /** Receiving the whole request, body included (408 and close). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests; above a load balancer's idle timeout (AWS ALB: 60 s), so the balancer, not Tether, closes idle connections and never reuses one Tether just closed (a 502). */
  keepAliveTimeoutMs: number;
}

/** How often Node checks requests in flight against the timeouts (its default, 30 s, would let a slow client stay that much longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export const httpTimeoutsFrom = (settings: Settings): HttpTimeouts => ({
  headersTimeoutMs: settings.TETHER_HTTP_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: settings.TETHER_HTTP_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: settings.TETHER_HTTP_KEEP_ALIVE_TIMEOUT_MS,
});

/** The settings' defaults: headers in 10 s, the whole request in 30 s, idle keep-alive 65 s. */
export const defaultHttpTimeouts: HttpTimeouts = httpTimeoutsFrom(parseSettings({}));

/** An HTTP server (the API's, the platform hub's) bounding slow clients by `timeouts`. */
export function createHttpServer(listener: RequestListener, timeouts: HttpTimeouts): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, timeouts.headersTimeoutMs),
    },
    listener,
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  return server;
}

/**
 * Koa reports a socket closed under a request (Node's 408 to a slow client, a caller hanging up) as an app
 * error, printed with its stack on stderr unless someone listens: one log line instead. Errors of the
 * routes never get here (the error middleware answers them).
 */
export function logClosedConnections(app: Koa, log: Logger): void {
  app.on('error', (err: Error) => log.info({ err: err.message }, 'connection closed before the answer was sent'));
}
