import type { ConnectionInstance, ConnectorDefinition } from './sdk';
import { ConnectorDeclarationError } from './sdk';
import { SecretStore } from './secrets';

/** A configured connection instance, with the behaviour scopes that may call it. */
export interface ConfiguredInstance extends ConnectionInstance<unknown> {
  /** `BehaviourScopePattern`s of the behaviours allowed to call this instance; absent or empty: none (deny by default). */
  behaviours?: readonly string[];
}

/** A connector with its configured connection instances (settings validated and secrets resolved). */
export interface RegisteredConnector {
  definition: ConnectorDefinition<any, any>;
  instances: ConfiguredInstance[];
}

/** The connectors this Tether serves, looked up by URL path. Built once at start from the config. */
export class ConnectorRegistry {
  private readonly byPath = new Map<string, RegisteredConnector>();

  constructor(
    connectors: RegisteredConnector[],
    /** Secrets declared in the config file for integration connectors. */
    readonly secrets = new SecretStore(),
  ) {
    for (const connector of connectors) {
      const { path, name } = connector.definition;
      const existing = this.byPath.get(path);
      if (existing) {
        throw new ConnectorDeclarationError(`connector ${JSON.stringify(name)}: path ${path} is already used by ${JSON.stringify(existing.definition.name)}`);
      }
      this.byPath.set(path, connector);
    }
  }

  list(): RegisteredConnector[] {
    return [...this.byPath.values()];
  }

  find(path: string): RegisteredConnector | undefined {
    return this.byPath.get(path);
  }

  /** Integration connectors by type or name, for the daemon (DESIGN §5 `connectorType`). */
  findIntegration(connectorType: string): ConnectorDefinition<any, any> | undefined {
    return this.list()
      .map((connector) => connector.definition)
      .find((definition) => definition.integration && (definition.type === connectorType || definition.name === connectorType));
  }
}
