import { z } from 'zod';
import type { Logger } from 'pino';
import type { SecretResolver } from './secrets';

/** Input types of the Remote Connector SPI (seed 002). */
export const SpiInputType = z.enum(['String', 'Integer', 'Double', 'DateTime', 'Object', 'Boolean']);
export type SpiInputType = z.infer<typeof SpiInputType>;

export const InputDescriptor = z.object({
  name: z.string().min(1),
  type: SpiInputType,
  required: z.boolean().optional(),
  /** Redacted in execution views and never logged. Not part of the SPI descriptor. */
  secret: z.boolean().optional(),
});
export type InputDescriptor = z.infer<typeof InputDescriptor>;

export const OutputDescriptor = z.object({ name: z.string().min(1), type: z.literal('Object') });
export type OutputDescriptor = z.infer<typeof OutputDescriptor>;

/** How an action runs as a durable execution. */
export interface ActionExecutionPolicy {
  /** Whole-execution deadline; past it the call fails with 504. Default 60 s. */
  timeoutSeconds?: number;
  /** Attempts for retryable failures (target unreachable, 5xx, timeout). Default 3. */
  maximumAttempts?: number;
  /** First retry delay. Default 1 s (doubles each attempt). */
  initialRetrySeconds?: number;
  /**
   * `local`: run as a local activity in the worker that took the workflow task (fast path, for short
   * actions); `regular`: a normal activity (for long actions that must heartbeat). Default `local`.
   */
  mode?: 'local' | 'regular';
}

/** A configured connection instance as a handler sees it: its settings already resolved. */
export interface ConnectionInstance<Settings> {
  id: string;
  name: string;
  settings: Settings;
}

export interface ActionContext<Settings> {
  instance: ConnectionInstance<Settings>;
  inputs: Record<string, unknown>;
  /** Aborted when the execution is cancelled or times out. */
  signal: AbortSignal;
  log: Logger;
}

export interface ActionDefinition<Settings> {
  name: string;
  displayName: string;
  path: string;
  inputs: InputDescriptor[];
  outputs: OutputDescriptor[];
  execution?: ActionExecutionPolicy;
  handler(context: ActionContext<Settings>): Promise<Record<string, unknown>>;
}

export const HealthStatus = z.enum(['CONNECTION_SUCCESS', 'CONNECTION_FAILURE']);
export const MessageSeverity = z.enum(['INFO', 'WARNING', 'ERROR']);
export const HealthReport = z.object({
  status: HealthStatus,
  message: z.string().nullable(),
  messages: z.array(z.object({ severity: MessageSeverity, message: z.string() })),
});
export type HealthReport = z.infer<typeof HealthReport>;

export interface HealthContext<Settings> {
  instance: ConnectionInstance<Settings>;
  signal: AbortSignal;
  log: Logger;
}

export interface RefreshContext<Configuration> {
  configuration: Configuration;
  /** Name of the integration connector in its group, for logs and state keys. */
  connectorName: string;
  /** State the previous refresh returned (e.g. what a folder held), so a refresh can report changes. */
  previousState: unknown;
  /** Reveals the secrets the configuration references (`{secretRef}`), if the operator allows this connector to use them. */
  secrets: SecretResolver;
  signal: AbortSignal;
  log: Logger;
}

export interface RefreshResult {
  /** One line a human reads in the status view. */
  summary: string;
  /** Kept for the next refresh (small: it travels in workflow history). */
  state?: unknown;
}

/** Integration-connector side of a connector (DESIGN §5): configuration schema and one refresh. */
export interface IntegrationDefinition<Configuration> {
  configuration: z.ZodType<Configuration>;
  refresh(context: RefreshContext<Configuration>): Promise<RefreshResult>;
}

export interface ConnectorDefinition<Settings = unknown, Configuration = unknown> {
  name: string;
  version: string;
  type: string;
  path: string;
  capabilities: string[];
  /** Validates (and may default) each connection instance's `settings` from the config file. */
  settings: z.ZodType<Settings>;
  /** Names of settings fields that hold secrets (redacted wherever settings are shown). */
  secretSettings?: string[];
  actions: ActionDefinition<Settings>[];
  checkHealth(context: HealthContext<Settings>): Promise<HealthReport>;
  integration?: IntegrationDefinition<Configuration>;
  /** Releases what the connector keeps between calls (e.g. connection pools); called when the worker stops. */
  dispose?(): Promise<void>;
}

/** Raised when a connector declaration is invalid; the message names the connector and the field. */
export class ConnectorDeclarationError extends Error {
  override readonly name = 'ConnectorDeclarationError';
}

const pathSegment = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Declares a connector; checks the declaration at once so mistakes fail at start, naming the field. */
export function defineConnector<Settings, Configuration = unknown>(
  definition: ConnectorDefinition<Settings, Configuration>,
): ConnectorDefinition<Settings, Configuration> {
  const where = `connector ${JSON.stringify(definition.name ?? '?')}`;
  for (const field of ['name', 'version', 'type', 'path'] as const) {
    if (typeof definition[field] !== 'string' || definition[field].length === 0) {
      throw new ConnectorDeclarationError(`${where}: ${field} must be a non-empty string`);
    }
  }
  if (!pathSegment.test(definition.path)) {
    throw new ConnectorDeclarationError(`${where}: path ${JSON.stringify(definition.path)} must be one URL segment of letters, digits, '.', '_' or '-'`);
  }
  if (definition.path === 'rcf') throw new ConnectorDeclarationError(`${where}: path "rcf" is reserved for the server's own endpoints`);
  const actionPaths = new Set<string>();
  const actionNames = new Set<string>();
  for (const [index, action] of definition.actions.entries()) {
    const at = `${where}: actions[${index}]`;
    if (!action.name) throw new ConnectorDeclarationError(`${at}.name must be a non-empty string`);
    if (!pathSegment.test(action.path ?? '')) throw new ConnectorDeclarationError(`${at}.path ${JSON.stringify(action.path)} must be one URL segment`);
    if (action.path.startsWith('com.bmc.dsm.catalog:')) throw new ConnectorDeclarationError(`${at}.path ${action.path} is reserved for catalog calls`);
    if (actionPaths.has(action.path)) throw new ConnectorDeclarationError(`${at}.path ${action.path} is declared twice`);
    if (actionNames.has(action.name)) throw new ConnectorDeclarationError(`${at}.name ${action.name} is declared twice`);
    actionPaths.add(action.path);
    actionNames.add(action.name);
    const inputNames = new Set<string>();
    for (const [i, input] of action.inputs.entries()) {
      const parsed = InputDescriptor.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ConnectorDeclarationError(`${at}.inputs[${i}].${issue.path.join('.')}: ${issue.message}`);
      }
      if (inputNames.has(input.name)) throw new ConnectorDeclarationError(`${at}.inputs[${i}].name ${input.name} is declared twice`);
      inputNames.add(input.name);
    }
    for (const [i, output] of action.outputs.entries()) {
      if (!OutputDescriptor.safeParse(output).success) {
        throw new ConnectorDeclarationError(`${at}.outputs[${i}]: outputs are {name, type: "Object"}`);
      }
    }
  }
  return definition;
}
