import { TetherMetrics, type ConnectorState, type ExecutionRecord } from './tether-metrics';

/** The process's metrics: what GET /metrics serves and what the functions below record into. */
export const metrics = new TetherMetrics({ processMetrics: true });

/** Counts one finished action execution and observes its latency. */
export function recordExecution(record: ExecutionRecord): void {
  metrics.recordExecution(record);
}

/** Publishes an integration connector's current status. */
export function setConnectorState(state: ConnectorState): void {
  metrics.setConnectorState(state);
}

/** Drops an integration connector's series when it is removed from its group. */
export function removeConnectorState(group: string, connector: string): void {
  metrics.removeConnector(group, connector);
}

/** Publishes whether the outbound platform connection is up. */
export function setPlatformLink(up: boolean): void {
  metrics.setPlatformLink(up);
}
