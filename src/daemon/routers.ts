import type { ApiDeps } from '../api/app';
import type { ApiRoute } from '../api/auth';
import { adminServicesRoutes } from '../api/routes/admin-services';
import { integrationDaemonRoutes } from '../api/routes/integration-daemon';
import { integrationServicesRoutes } from '../api/routes/integration-services';
import { metadataRoutes } from '../api/routes/metadata';
import { DaemonClient } from './daemon-client';
import { MetadataClient } from './metadata-client';

/** The integration daemon's routes (admin services, runtime, the integration services it does not run, metadata), sharing one client of each kind. */
export function daemonRoutes(deps: ApiDeps): ApiRoute[] {
  const { log } = deps;
  const daemons = new DaemonClient(deps.client, deps.taskQueue, deps.settings.TETHER_DAEMON_POLL_SECONDS);
  const metadata = new MetadataClient(deps.client, deps.taskQueue, log);
  return [...adminServicesRoutes({ daemons, log }), ...integrationDaemonRoutes({ daemons, registry: deps.registry, log }), ...integrationServicesRoutes(log), ...metadataRoutes(metadata)];
}
