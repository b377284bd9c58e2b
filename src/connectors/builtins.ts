import { exampleConnector } from './example';
import { folderMonitorConnector } from './folder-monitor';
import { httpConnector } from './http';
import { httpPollConnector } from './http-poll';
import { postgresConnector } from './postgres';
import type { ConnectorDefinition } from './sdk';

/** Connectors a config file names with `use: <name>` (DESIGN §3); anything else is a plugin module path. */
export const builtinConnectors: Record<string, ConnectorDefinition<any, any>> = {
  example: exampleConnector,
  http: httpConnector,
  postgres: postgresConnector,
  'http-poll': httpPollConnector,
  'folder-monitor': folderMonitorConnector,
};
