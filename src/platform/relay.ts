import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { ApiError } from '../errors';
import type { BehaviourCall } from '../contracts/behaviours';
import { CloseCode, closeReason, type HubFrame, type ResponseFrame, type SpiRequest, type SpiResponse } from './frames';

interface PendingCall {
  resolve: (response: SpiResponse) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** One authenticated connector socket and the SPI calls waiting for its answers. */
export class ConnectorConnection {
  readonly connectionId = randomUUID();
  readonly since = new Date();
  private readonly pending = new Map<string, PendingCall>();
  private closed = false;

  constructor(
    readonly connectorId: string,
    readonly socket: WebSocket,
    readonly remoteAddress: string | undefined,
    readonly agent: string | undefined,
  ) {}

  send(frame: HubFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Relays one SPI call and waits for the connector's answer: 504 past the timeout, 502 when the socket closes first. */
  call(request: SpiRequest, timeoutMs: number): Promise<SpiResponse> {
    return this.exchange((requestId) => ({ type: 'request', requestId, request }), timeoutMs);
  }

  /** Relays one behaviour call; answered like an SPI call. */
  callBehaviour(call: BehaviourCall, timeoutMs: number): Promise<SpiResponse> {
    return this.exchange((requestId) => ({ type: 'behaviour-call', requestId, call }), timeoutMs);
  }

  private exchange(frameOf: (requestId: string) => HubFrame, timeoutMs: number): Promise<SpiResponse> {
    if (this.closed) return Promise.reject(notConnected(this.connectorId));
    const requestId = randomUUID();
    return new Promise<SpiResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ApiError(504, 'CONNECTOR_TIMEOUT', `Connector ${this.connectorId} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.send(frameOf(requestId));
    });
  }

  /** Hands an answer to its waiting call; answers to calls that already timed out are dropped. */
  answer(frame: ResponseFrame): void {
    const call = this.pending.get(frame.requestId);
    if (!call) return;
    this.pending.delete(frame.requestId);
    clearTimeout(call.timer);
    call.resolve(frame.response);
  }

  /** Closes the socket (once) and fails every call still waiting. */
  close(code: number, reason: string): void {
    this.markClosed();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, closeReason(reason));
    }
  }

  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(new ApiError(502, 'CONNECTOR_DISCONNECTED', `Connector ${this.connectorId} disconnected before answering`));
    }
    this.pending.clear();
  }

  get pendingCalls(): number {
    return this.pending.size;
  }
}

export function notConnected(connectorId: string): ApiError {
  return new ApiError(503, 'CONNECTOR_NOT_CONNECTED', `Connector ${connectorId} is not connected to this platform`);
}

/** What the hub remembers of a connector's last connection, for the admin list. */
export interface ConnectionRecord {
  connected: boolean;
  since?: string;
  remoteAddress?: string;
  connectionId?: string;
  agent?: string;
}

/**
 * The active connection of each connector id: at most one. Activating a second one supersedes the
 * first (seed 000 §5.3): the old socket gets a `shutdown` frame and is closed, the new one is told.
 */
export class Relay {
  private readonly active = new Map<string, ConnectorConnection>();
  private readonly lastSeen = new Map<string, ConnectionRecord>();

  get(connectorId: string): ConnectorConnection | undefined {
    return this.active.get(connectorId);
  }

  /** Makes `connection` the active one of its id; answers the connection it replaced, if any. */
  activate(connection: ConnectorConnection): ConnectorConnection | undefined {
    const previous = this.active.get(connection.connectorId);
    this.active.set(connection.connectorId, connection);
    if (previous) {
      if (previous.socket.readyState === previous.socket.OPEN) {
        previous.send({
          type: 'shutdown',
          reason: 'superseded',
          message: `Connection ${previous.connectionId} was replaced by a newer connection of connector ${connection.connectorId}`,
        });
      }
      previous.close(CloseCode.superseded, 'superseded by a newer connection with the same connector id');
    }
    return previous;
  }

  /** Forgets a closed connection, unless a newer one already took its place. */
  deactivate(connection: ConnectorConnection): void {
    connection.markClosed();
    if (this.active.get(connection.connectorId) !== connection) return;
    this.active.delete(connection.connectorId);
    this.lastSeen.set(connection.connectorId, { connected: false, since: new Date().toISOString() });
  }

  /** Closes the active connection of an id (its registration changed or was removed). */
  revoke(connectorId: string, why: string): void {
    const connection = this.active.get(connectorId);
    if (!connection) return;
    if (connection.socket.readyState === connection.socket.OPEN) connection.send({ type: 'shutdown', reason: 'revoked', message: why });
    connection.close(CloseCode.revoked, why);
    this.deactivate(connection);
  }

  record(connectorId: string): ConnectionRecord {
    const connection = this.active.get(connectorId);
    if (!connection) return this.lastSeen.get(connectorId) ?? { connected: false };
    return {
      connected: true,
      since: connection.since.toISOString(),
      remoteAddress: connection.remoteAddress,
      connectionId: connection.connectionId,
      agent: connection.agent,
    };
  }

  all(): ConnectorConnection[] {
    return [...this.active.values()];
  }
}
