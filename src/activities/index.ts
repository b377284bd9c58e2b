import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { createActionActivities } from './actions';

/** What activities may use: the connector registry, a Temporal client (to start or signal runs), settings, logs. */
export interface ActivityDeps {
  registry: ConnectorRegistry;
  client: Client;
  settings: Settings;
  log: Logger;
}

/** All activities of the Tether worker, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createActionActivities(deps),
  };
}
