import { Counter, Registry } from 'prom-client';

/** Why the hub refused a connector socket: the `reason` label of `tether_hub_connector_refusals_total`. */
export type SocketRefusal = 'wrong_secret' | 'address_rate_limited' | 'id_rate_limited' | 'hello_timeout' | 'malformed_frame' | 'binary_frame' | 'oversized_hello';

/** The hub's Prometheus metrics, one registry per hub: every refusal, of sockets and of HTTP calls, is counted. */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly socketRefusals = new Counter({
    name: 'tether_hub_connector_refusals_total',
    help: 'Connector sockets the hub refused, by reason (wrong id or secret, login rate limits, protocol errors)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly httpRefusals = new Counter({
    name: 'tether_hub_http_refusals_total',
    help: 'HTTP calls the hub refused for authentication (401) or authorisation (403)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  refusedSocket(reason: SocketRefusal): void {
    this.socketRefusals.inc({ reason });
  }

  refusedCall(status: 401 | 403): void {
    this.httpRefusals.inc({ status: String(status) });
  }
}
