import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../logging/logger';
import type { BehaviourStore } from './behaviour-store';
import type { CredentialStore } from './credential-store';
import { mayRunBehaviours } from './privileges';
import { CloseCode, closeReason, ConnectorFrame, parseFrame, supersededNotice, type BehaviourFetchFrame, type HelloFrame } from './frames';
import type { HubMetrics, SocketRefusal } from './hub-metrics';
import type { LoginLimiter } from './login-limiter';
import { ConnectorConnection, type Relay } from './relay';

export interface SocketServerOptions {
  store: CredentialStore;
  /** Behaviour versions: announced after welcome, downloaded with `behaviour-fetch`. */
  behaviours: BehaviourStore;
  relay: Relay;
  log: Logger;
  maxFrameBytes: number;
  /** Interval of the hub's pings; a socket that missed one pong is dropped at the next. */
  heartbeatMs: number;
  /** How long a new socket may take to send its hello frame. */
  helloTimeoutMs: number;
  loginLimiter: LoginLimiter;
  metrics: HubMetrics;
}

/** Bytes a socket may send before its hello is answered: a hello is a few hundred. */
const maxBytesBeforeHello = 64 * 1024;

/**
 * The hub's WebSocket endpoint, `/connect`: authenticates each connector by its first frame, keeps one
 * active connection per id, routes answers of relayed SPI calls, and drops sockets that stop answering pings.
 * Logins are not queued per id: each is checked on its own, after the login limiter has admitted it, so wrong
 * secrets sent for an id never wait in front of its real connector.
 */
export function attachConnectorSocketServer(server: Server, options: SocketServerOptions): { close(): Promise<void> } {
  const { store, relay, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== '/connect') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';
    let phase: 'awaiting-hello' | 'authenticating' | 'active' = 'awaiting-hello';
    let connection: ConnectorConnection | undefined;
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));

    const refuse = (code: number, reason: string, counted: SocketRefusal, connectorId = connection?.connectorId) => {
      options.metrics.refusedSocket(counted);
      log.warn({ remoteAddress, connectorId, code, reason }, 'closing connector socket');
      ws.close(code, closeReason(reason));
    };

    // Until its hello is answered a socket is anonymous: ws buffers a message until it ends (up to the frame
    // limit, 2 MiB), so the bytes it may send are counted on the TCP socket itself and bounded far lower.
    let anonymousBytes = 0;
    const countAnonymousBytes = (chunk: Buffer) => {
      anonymousBytes += chunk.length;
      if (anonymousBytes <= maxBytesBeforeHello) return;
      request.socket.off('data', countAnonymousBytes);
      options.metrics.refusedSocket('oversized_hello');
      log.warn({ remoteAddress, bytes: anonymousBytes }, `closing connector socket: more than ${maxBytesBeforeHello} bytes before its hello was answered`);
      // Not a close handshake: a peer that never answers it would keep the socket (and what ws buffered) for 30 s.
      ws.terminate();
    };
    request.socket.on('data', countAnonymousBytes);
    const stopCountingBytes = () => request.socket.off('data', countAnonymousBytes);
    const helloTimer = setTimeout(() => refuse(CloseCode.helloTimeout, `no hello frame within ${options.helloTimeoutMs} ms`, 'hello_timeout'), options.helloTimeoutMs);

    const authenticate = async (hello: HelloFrame) => {
      const admission = await options.loginLimiter.admit(hello.connectorId, remoteAddress);
      if (admission !== 'admitted') {
        const limit = admission === 'address-limited' ? 'this address' : 'this connector id';
        return refuse(CloseCode.tooManyAttempts, `too many failed logins from ${limit}; try again later`, admission === 'address-limited' ? 'address_rate_limited' : 'id_rate_limited', hello.connectorId);
      }
      const registered = await store.authenticate(hello.connectorId, hello.secret);
      if (!registered) {
        // Secrets never reach the log; the id does, so an operator sees who was refused.
        return refuse(CloseCode.refused, 'connector id or secret refused', 'wrong_secret', hello.connectorId);
      }
      await options.loginLimiter.succeeded(hello.connectorId, remoteAddress);
      if (ws.readyState !== ws.OPEN) return;
      connection = new ConnectorConnection(hello.connectorId, ws, remoteAddress, hello.agent);
      const previous = relay.activate(connection);
      phase = 'active';
      stopCountingBytes();
      connection.send({ type: 'welcome', connectionId: connection.connectionId, ...(previous ? { notice: supersededNotice } : {}) });
      const current = options.behaviours.currents().filter((scope) => mayRunBehaviours(registered.privileges, scope.tenant, scope.environment));
      if (current.length) connection.send({ type: 'behaviours', current });
      log.info(
        { connectorId: hello.connectorId, connectionId: connection.connectionId, remoteAddress, supersededConnectionId: previous?.connectionId },
        'connector connected',
      );
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return refuse(CloseCode.unsupportedData, 'binary frames are not supported; send JSON text', 'binary_frame');
      const parsed = parseFrame(ConnectorFrame, data.toString());
      if (!parsed.ok) return refuse(CloseCode.malformedFrame, parsed.error, 'malformed_frame');
      const frame = parsed.frame;
      if (phase === 'awaiting-hello' && frame.type === 'hello') {
        clearTimeout(helloTimer);
        phase = 'authenticating';
        authenticate(frame).catch((err) => {
          log.error({ err, connectorId: frame.connectorId }, 'connector authentication failed');
          ws.close(1011, 'authentication failed on the hub');
        });
        return;
      }
      if (phase === 'active' && frame.type === 'response') return connection!.answer(frame);
      if (phase === 'active' && frame.type === 'behaviour-fetch') return void sendBundle(connection!, frame);
      return refuse(CloseCode.malformedFrame, `unexpected ${frame.type} frame while ${phase}`, 'malformed_frame');
    });

    /** Answers a download of a version the connector may run (privileges read now: they may have changed). */
    const sendBundle = async (active: ConnectorConnection, frame: BehaviourFetchFrame) => {
      const { requestId, tenant, environment, version } = frame;
      const privileges = store.get(active.connectorId)?.privileges ?? [];
      if (!mayRunBehaviours(privileges, tenant, environment)) {
        return active.send({ type: 'behaviour-bundle', requestId, error: `No privilege behaviours:${tenant}/${environment}` });
      }
      const bundle = await options.behaviours.bundle(tenant, environment, version).catch((err) => {
        log.error({ err, tenant, environment, version }, 'reading a behaviour version failed');
        return undefined;
      });
      active.send(bundle ? { type: 'behaviour-bundle', requestId, bundle } : { type: 'behaviour-bundle', requestId, error: `No version ${version} of ${tenant}/${environment}` });
    };

    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      stopCountingBytes();
      if (!connection) return;
      relay.deactivate(connection);
      log.info({ connectorId: connection.connectorId, connectionId: connection.connectionId, code, reason: reason.toString() }, 'connector disconnected');
    });
    // ws reports protocol violations (e.g. an oversized frame, closed with 1009) here before closing.
    ws.on('error', (err) => log.warn({ err: err.message, remoteAddress, connectorId: connection?.connectorId }, 'connector socket error'));
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        log.warn('connector socket missed a heartbeat; dropping it');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      // 1001: the connector treats it as a disconnection and reconnects to the next hub.
      for (const ws of wss.clients) ws.close(CloseCode.goingAway, 'platform hub stopping');
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      // A peer that does not finish the closing handshake within a second is cut off.
      const cutOff = setTimeout(() => wss.clients.forEach((ws) => ws.terminate()), 1_000);
      await closed;
      clearTimeout(cutOff);
    },
  };
}
