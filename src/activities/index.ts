import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Credentials } from '../config/credentials';
import type { Settings } from '../config/settings';
import type { BehavioursManager } from '../behaviours/manager';
import { behaviourLinkHandlers } from '../behaviours/link-handlers';
import type { ConnectorRegistry } from '../connectors/registry';
import { spiDepsFor } from '../spi/request';
import { createActionActivities } from './actions';
import { createDaemonConnectorActivities } from './daemon-connectors';
import { createDaemonLifecycleActivities } from './daemon-lifecycle';
import { createDaemonMetadataActivities, GroupDefinitions } from './daemon-metadata';
import { createPlatformActivities, spiHandlerFor } from './platform-link';

/** What activities may use: the connector registry, a Temporal client (to start or signal runs), settings, credentials, logs. */
export interface ActivityDeps {
  registry: ConnectorRegistry;
  client: Client;
  settings: Settings;
  credentials: Credentials;
  log: Logger;
  /** The Behaviours Manager of this worker process (connector mode). */
  behaviours?: BehavioursManager;
}

/** All activities of the Tether worker, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  // Read by the reconciler's definition read and by the activities applying its changes.
  const definitions = new GroupDefinitions(deps.credentials);
  return {
    ...createActionActivities(deps),
    ...createDaemonLifecycleActivities({ ...deps, definitions }),
    ...createDaemonMetadataActivities({ ...deps, definitions }),
    ...createDaemonConnectorActivities(deps),
    ...createPlatformActivities({
      settings: deps.settings,
      log: deps.log,
      client: deps.client,
      handleSpiRequest: spiHandlerFor(deps),
      behaviours: deps.behaviours && behaviourLinkHandlers({ ...spiDepsFor(deps), manager: deps.behaviours }),
    }),
  };
}
