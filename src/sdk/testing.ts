import { ConnectorConfigError } from '../connectors/errors';
import { HealthReport, type ConnectionInstance, type ConnectorDefinition } from '../connectors/sdk';
import { createLogger } from '../logging/logger';
import { actionInputsSchema, withoutNulls } from '../spi/input-schema';

/**
 * Calling a connector as Tether would, without a server or Temporal: for connector authors' own tests.
 * Settings go through the connector's schema and inputs through the SPI's input rules, as on a real call.
 */

export interface ActionCall {
  /** The action's name or path. */
  action: string;
  /** The connection instance's `settings:` as the config file would give them (before the schema). */
  settings?: unknown;
  inputs?: Record<string, unknown>;
}

export type HealthCheckCall = Omit<ActionCall, 'action' | 'inputs'>;

function instanceFor<Settings>(connector: ConnectorDefinition<Settings, any>, settings: unknown): ConnectionInstance<Settings> {
  const parsed = connector.settings.safeParse(settings ?? {});
  if (!parsed.success) {
    throw new ConnectorConfigError(parsed.error.issues.map((issue) => `settings.${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return { id: 'TEST', name: 'Test', settings: parsed.data };
}

const log = createLogger(process.env.LOG_LEVEL ?? 'silent', 'connector-test');

/** Runs one action's handler with validated settings and inputs; resolves with its outputs, or throws what it threw. */
export async function callAction<Settings>(connector: ConnectorDefinition<Settings, any>, call: ActionCall): Promise<Record<string, unknown>> {
  const action = connector.actions.find((candidate) => candidate.name === call.action || candidate.path === call.action);
  if (!action) throw new Error(`${connector.name} has no action ${call.action} (it has ${connector.actions.map((a) => a.name).join(', ')})`);
  const instance = instanceFor(connector, call.settings);
  const inputs = actionInputsSchema(action.inputs).safeParse(withoutNulls(call.inputs));
  if (!inputs.success) throw new Error(`invalid inputs (Tether would answer 400): ${inputs.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const signal = AbortSignal.timeout((action.execution?.timeoutSeconds ?? 60) * 1000);
  return action.handler({ instance, inputs: inputs.data, signal, log });
}

/** Runs the connector's health check with validated settings; the report is checked against the SPI's shape. */
export async function callHealthCheck<Settings>(connector: ConnectorDefinition<Settings, any>, call: HealthCheckCall = {}): Promise<HealthReport> {
  const instance = instanceFor(connector, call.settings);
  return HealthReport.parse(await connector.checkHealth({ instance, signal: AbortSignal.timeout(60_000), log }));
}
