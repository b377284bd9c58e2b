import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { ConnectorStatusValue } from '../contracts/daemon';

/** How an execution ended, as the metric's `outcome` label. */
export const ExecutionOutcome = z.enum(['succeeded', 'business_failure', 'failed', 'timed_out', 'cancelled']);
export type ExecutionOutcome = z.infer<typeof ExecutionOutcome>;

/** Integration connector statuses (Egeria's plus RESTARTING), each a series of the state gauge. */
export const connectorStatuses = ConnectorStatusValue.options;

export interface ExecutionRecord {
  /** The connector's path, as in the TetherConnector search attribute. */
  connector: string;
  /** The action's name, as in the TetherAction search attribute. */
  action: string;
  outcome: ExecutionOutcome;
  durationSeconds: number;
}

export interface ConnectorState {
  group: string;
  connector: string;
  status: string;
}

/** Tether's Prometheus metrics in their own registry (tests make fresh ones; the process uses `metrics`). */
export class TetherMetrics {
  readonly registry = new Registry();
  private readonly executions = new Counter({
    name: 'tether_executions_total',
    help: 'Action executions by connector, action and outcome',
    labelNames: ['connector', 'action', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'tether_execution_duration_seconds',
    help: 'Action handler latency in the worker, of the attempt that ended the execution',
    labelNames: ['connector', 'action'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private readonly connectorState = new Gauge({
    name: 'tether_integration_connector_state',
    help: 'Integration connector status: 1 for the current status, 0 for the others',
    labelNames: ['group', 'connector', 'status'] as const,
    registers: [this.registry],
  });
  private readonly platformLink = new Gauge({
    name: 'tether_platform_link_up',
    help: '1 while the outbound platform connection is CONNECTED, else 0',
    registers: [this.registry],
  });

  private readonly behaviourBuilds = new Counter({
    name: 'tether_behaviour_builds_total',
    help: 'Behaviour version builds (esbuild, in the Behaviours Manager), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly behaviourBuildDuration = new Histogram({
    name: 'tether_behaviour_build_duration_seconds',
    help: 'Time the Behaviours Manager took to build a version (esbuild)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly behaviourCalls = new Counter({
    name: 'tether_behaviour_calls_total',
    help: 'Behaviour call attempts by tenant, environment and outcome',
    labelNames: ['tenant', 'environment', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly behaviourConnectionCalls = new Counter({
    name: 'tether_behaviour_connection_calls_total',
    help: "Behaviours' calls to connection instances by tenant, environment and outcome: allowed; refused (the instance's behaviours list does not admit the scope, or no such instance); throttled (too many at once)",
    labelNames: ['tenant', 'environment', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly behaviourRecycles = new Counter({
    name: 'tether_behaviour_server_recycles_total',
    help: 'Behaviour Server processes that ended: drained (after their maximum builds), timeout (killed under a call past its timeout), crashed',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly behaviourServers = new Gauge({
    name: 'tether_behaviour_servers',
    help: 'Live Behaviour Server processes',
    registers: [this.registry],
  });

  /** Statuses seen outside the known list, per connector, so removeConnector finds their series. */
  private readonly extraStatuses = new Map<string, Set<string>>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tether_' });
  }

  recordExecution(record: ExecutionRecord): void {
    const outcome = ExecutionOutcome.parse(record.outcome);
    this.executions.inc({ connector: record.connector, action: record.action, outcome });
    this.duration.observe({ connector: record.connector, action: record.action }, record.durationSeconds);
  }

  /** A state set: every known status is a series, so `status="FAILED"} == 1` alerts and stays 0 otherwise. */
  setConnectorState(state: ConnectorState): void {
    const key = `${state.group}\u0000${state.connector}`;
    if (!(connectorStatuses as readonly string[]).includes(state.status)) {
      this.extraStatuses.set(key, (this.extraStatuses.get(key) ?? new Set()).add(state.status));
    }
    for (const status of [...connectorStatuses, ...(this.extraStatuses.get(key) ?? [])]) {
      this.connectorState.set({ group: state.group, connector: state.connector, status }, status === state.status ? 1 : 0);
    }
  }

  /** Drops a connector's series when it leaves the configuration. */
  removeConnector(group: string, connector: string): void {
    const key = `${group}\u0000${connector}`;
    for (const status of [...connectorStatuses, ...(this.extraStatuses.get(key) ?? [])]) {
      this.connectorState.remove({ group, connector, status });
    }
    this.extraStatuses.delete(key);
  }

  setPlatformLink(up: boolean): void {
    this.platformLink.set(up ? 1 : 0);
  }

  recordBehaviourBuild(outcome: 'succeeded' | 'failed', durationSeconds: number): void {
    this.behaviourBuilds.inc({ outcome });
    this.behaviourBuildDuration.observe(durationSeconds);
  }

  recordBehaviourCall(tenant: string, environment: string, outcome: string): void {
    this.behaviourCalls.inc({ tenant, environment, outcome });
  }

  recordBehaviourConnectionCall(tenant: string, environment: string, outcome: 'allowed' | 'refused' | 'throttled'): void {
    this.behaviourConnectionCalls.inc({ tenant, environment, outcome });
  }

  recordBehaviourRecycle(reason: 'drained' | 'timeout' | 'crashed'): void {
    this.behaviourRecycles.inc({ reason });
  }

  setBehaviourServers(count: number): void {
    this.behaviourServers.set(count);
  }

  /** The Prometheus text exposition of every Tether metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
