import type { z } from 'zod';
import { builtinConnectors } from './builtins';
import type { ConnectorRegistry } from './registry';
import type { ConnectorDefinition } from './sdk';

/** What a validation answers: every problem by field (`settings.auth.token`), messages only — never the values. */
export interface ConnectorValidation {
  connectorType: string;
  valid: boolean;
  problems: Record<string, string[]>;
}

function byField(root: string, error: z.ZodError | undefined): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const issue of error?.issues ?? []) (problems[[root, ...issue.path.map(String)].join('.')] ??= []).push(issue.message);
  return problems;
}

const matches = (type: string) => (definition: ConnectorDefinition<any, any>) => definition.type === type || definition.path === type;

/**
 * Checks settings and configurations with the connectors' own schemas, without running anything (no health
 * check, no refresh): what the config file's loader and the daemon would say, asked ahead of time.
 */
export class ConnectorValidator {
  constructor(private readonly registry: ConnectorRegistry) {}

  /** Connectors whose connection-instance settings can be checked: this process's, and every built-in. */
  private connectors(): ConnectorDefinition<any, any>[] {
    const configured = this.registry.list().map((connector) => connector.definition);
    return [...configured, ...Object.values(builtinConnectors).filter((builtin) => !configured.includes(builtin))];
  }

  /** Types a settings validation knows, for a 404 that lists them. */
  connectorTypes(): string[] {
    return this.connectors().filter((definition) => !definition.integration).map((definition) => definition.type);
  }

  /** Types an integration-configuration validation knows: the integration connectors this worker runs. */
  integrationTypes(): string[] {
    return this.registry.list().filter((connector) => connector.definition.integration).map((connector) => connector.definition.type);
  }

  /** A connection instance's `settings:` against the connector's schema (type, path or built-in name); undefined for an unknown connector. */
  settings(type: string, settings: unknown): ConnectorValidation | undefined {
    const definition = builtinConnectors[type] ?? this.connectors().find(matches(type));
    if (!definition || definition.integration) return undefined;
    const result = definition.settings.safeParse(settings);
    return { connectorType: definition.type, valid: result.success, problems: byField('settings', result.error) };
  }

  /** An integration connector's `configuration` against its schema, as the daemon would check it; undefined for an unknown type. */
  configuration(type: string, configuration: unknown): ConnectorValidation | undefined {
    const definition = this.registry.findIntegration(type);
    if (!definition?.integration) return undefined;
    const result = definition.integration.configuration.safeParse(configuration);
    return { connectorType: definition.type, valid: result.success, problems: byField('configuration', result.error) };
  }
}
