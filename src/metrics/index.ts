export { metricsExposition } from './exposition';
export { metrics, recordExecution, removeConnectorState, setConnectorState, setPlatformLink } from './record';
export { sdkMetricsText, sdkTelemetryOptions } from './sdk-metrics';
export { startMetricsServer, type MetricsServerOptions, type RunningMetricsServer } from './server';
export { connectorStatuses, ExecutionOutcome, TetherMetrics, type ConnectorState, type ExecutionRecord } from './tether-metrics';
