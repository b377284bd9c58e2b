import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import type { BehaviourBundle, BehaviourCall, CurrentBehaviour } from '../contracts/behaviours';
import type { Logger } from '../logging/logger';
import {
  CloseCode,
  closeReason,
  defaultMaxFrameBytes,
  HubFrame,
  parseFrame,
  type ConnectorFrame,
  type BehaviourBundleFrame,
  type SpiHandler,
  type SpiResponse,
} from './frames';

/** How a link to the platform ended, which decides what the connector does next. */
export type LinkEnd =
  /** The socket dropped or could not be opened: reconnect with backoff. */
  | { kind: 'disconnected'; code: number; reason: string }
  /** Another connection authenticated with this id: stop and do not reconnect. */
  | { kind: 'superseded'; reason: string }
  /** The hub refused the id or secret: terminal. */
  | { kind: 'refused'; reason: string }
  /** This side closed the link (shutdown, activity cancelled). */
  | { kind: 'closed'; reason: string };

export interface PlatformLinkOptions {
  /** The hub's WebSocket endpoint, e.g. `ws://hub:4000/connect`. */
  url: string;
  connectorId: string;
  secret: string;
  /** Serves each SPI call the platform relays. */
  handler: SpiHandler;
  /** Where behaviour announcements and calls go; without it behaviour calls answer 501. */
  behaviours?: BehaviourLinkHandlers;
  log: Logger;
  agent?: string;
  /** Interval of this side's pings; a hub that missed one pong is treated as gone. */
  pingIntervalMs?: number;
  /** How long opening the socket and authenticating may take. */
  connectTimeoutMs?: number;
  maxFrameBytes?: number;
}

/** The connector's side of behaviours on the link (DESIGN §9). */
export interface BehaviourLinkHandlers {
  /** The hub announced current versions; `fetch` downloads one over this link. */
  announce(current: CurrentBehaviour[], fetch: (tenant: string, environment: string, version: string) => Promise<BehaviourBundle>): void;
  call(call: BehaviourCall): Promise<SpiResponse>;
}

/** How long a behaviour download may take before it is given up. */
const FETCH_TIMEOUT_MS = 30_000;

export interface PlatformLink {
  connectionId: string;
  /** Settles when the link ends, however it ends; never rejects. */
  ended: Promise<LinkEnd>;
  close(reason?: string): void;
}

export type LinkOpening = { ok: true; link: PlatformLink } | { ok: false; end: LinkEnd };

/** Reads the close code the hub chose into what the connector should do. */
function endOf(code: number, reason: string, shutdown: string | undefined): LinkEnd {
  if (code === CloseCode.refused) return { kind: 'refused', reason: reason || 'connector id or secret refused' };
  if (code === CloseCode.superseded || shutdown !== undefined) return { kind: 'superseded', reason: shutdown ?? reason };
  return { kind: 'disconnected', code, reason: reason || `socket closed with code ${code}` };
}

function internalError(message: string): SpiResponse {
  return { status: 500, headers: { 'content-type': 'application/json' }, body: { error: { code: 'INTERNAL', message } } };
}

/**
 * Dials the platform hub, authenticates with id and secret, then serves relayed SPI calls until the
 * link ends. Answers once the hub has welcomed (or refused) this connection.
 */
export function openPlatformLink(options: PlatformLinkOptions): Promise<LinkOpening> {
  const { log } = options;
  const maxFrameBytes = options.maxFrameBytes ?? defaultMaxFrameBytes;
  const ws = new WebSocket(options.url, { maxPayload: maxFrameBytes, handshakeTimeout: options.connectTimeoutMs ?? 10_000 });
  let connectionId: string | undefined;
  let shutdownMessage: string | undefined;
  let localReason: string | undefined;
  let settleOpening!: (opening: LinkOpening) => void;
  const opening = new Promise<LinkOpening>((resolve) => (settleOpening = resolve));
  let settleEnd!: (end: LinkEnd) => void;
  const ended = new Promise<LinkEnd>((resolve) => (settleEnd = resolve));
  let lastError: string | undefined;

  const send = (frame: ConnectorFrame) => ws.send(JSON.stringify(frame));
  const closeWith = (code: number, reason: string) => {
    log.warn({ code, reason }, 'closing platform link');
    ws.close(code, closeReason(reason));
  };

  const fetches = new Map<string, (frame: BehaviourBundleFrame) => void>();
  const fetchBehaviour = (tenant: string, environment: string, version: string) =>
    new Promise<BehaviourBundle>((resolve, reject) => {
      if (ws.readyState !== ws.OPEN) return reject(new Error('The platform link is down'));
      const requestId = randomUUID();
      const timer = setTimeout(() => {
        fetches.delete(requestId);
        reject(new Error(`The platform did not send version ${version} of ${tenant}/${environment} within ${FETCH_TIMEOUT_MS} ms`));
      }, FETCH_TIMEOUT_MS);
      fetches.set(requestId, (frame) => {
        clearTimeout(timer);
        if (frame.bundle?.version === version) resolve(frame.bundle);
        else reject(new Error(frame.error ?? `The platform sent no version ${version} of ${tenant}/${environment}`));
      });
      send({ type: 'behaviour-fetch', requestId, tenant, environment, version });
    });

  const serve = async (requestId: string, what: Record<string, unknown>, answer: () => Promise<SpiResponse>) => {
    let response: SpiResponse;
    try {
      response = await answer();
    } catch (err) {
      log.error({ err, ...what }, 'relayed call failed');
      response = internalError('The connector failed to serve this call; see its log');
    }
    let text = JSON.stringify({ type: 'response', requestId, response } satisfies ConnectorFrame);
    // An answer the hub would refuse as oversized would cost the whole link; answer 502 instead.
    if (Buffer.byteLength(text) > maxFrameBytes) {
      text = JSON.stringify({ type: 'response', requestId, response: { ...internalError(`Answer exceeds the link's ${maxFrameBytes}-byte frame limit`), status: 502 } });
    }
    if (ws.readyState === ws.OPEN) ws.send(text);
  };

  let awaitingPong = false;
  const pinger = setInterval(() => {
    if (awaitingPong) {
      log.warn('platform hub missed a heartbeat; dropping the link');
      lastError = 'platform hub stopped answering heartbeats';
      ws.terminate();
      return;
    }
    awaitingPong = true;
    if (ws.readyState === ws.OPEN) ws.ping();
  }, options.pingIntervalMs ?? 15_000);
  pinger.unref();
  ws.on('pong', () => (awaitingPong = false));

  ws.on('open', () => send({ type: 'hello', connectorId: options.connectorId, secret: options.secret, agent: options.agent }));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return closeWith(CloseCode.unsupportedData, 'binary frames are not supported');
    const parsed = parseFrame(HubFrame, data.toString());
    if (!parsed.ok) return closeWith(CloseCode.malformedFrame, parsed.error);
    const frame = parsed.frame;
    if (frame.type === 'welcome' && connectionId === undefined) {
      connectionId = frame.connectionId;
      if (frame.notice) log.warn({ connectionId }, frame.notice);
      log.info({ connectionId, url: options.url }, 'connected to the platform');
      settleOpening({ ok: true, link: { connectionId, ended, close } });
      return;
    }
    if (frame.type === 'shutdown') {
      shutdownMessage = frame.message;
      log.warn({ connectionId, reason: frame.reason }, `platform asked this connector to shut down: ${frame.message}`);
      return;
    }
    if (connectionId !== undefined) {
      switch (frame.type) {
        case 'request':
          return void serve(frame.requestId, { method: frame.request.method, path: frame.request.path }, () => options.handler(frame.request));
        case 'behaviour-call': {
          const { behaviours } = options;
          const answer = behaviours
            ? () => behaviours.call(frame.call)
            : async () => ({ ...internalError('This connector does not run behaviours'), status: 501 });
          return void serve(frame.requestId, { behaviour: `${frame.call.tenant}/${frame.call.environment}/${frame.call.name}` }, answer);
        }
        case 'behaviours':
          return options.behaviours?.announce(frame.current, fetchBehaviour);
        case 'behaviour-bundle':
          fetches.get(frame.requestId)?.(frame);
          fetches.delete(frame.requestId);
          return;
      }
    }
    closeWith(CloseCode.malformedFrame, `unexpected ${frame.type} frame`);
  });
  ws.on('error', (err) => {
    lastError = err.message;
    log.debug({ err: err.message }, 'platform link error');
  });
  ws.on('close', (code, reasonBuffer) => {
    clearInterval(pinger);
    for (const [requestId, settle] of fetches) settle({ type: 'behaviour-bundle', requestId, error: 'The platform link closed during the download' });
    fetches.clear();
    const reason = reasonBuffer.toString() || lastError || '';
    // A revocation is a shutdown the connector may retry: the next hello tells whether it is still welcome.
    const shutdown = code === CloseCode.revoked ? undefined : shutdownMessage;
    const end: LinkEnd = localReason !== undefined ? { kind: 'closed', reason: localReason } : endOf(code, reason, shutdown);
    settleOpening({ ok: false, end });
    settleEnd(end);
  });

  function close(reason = 'connector stopping') {
    localReason ??= reason;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(CloseCode.normal, closeReason(reason));
  }

  return opening;
}
