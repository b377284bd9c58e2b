import type Router from '@koa/router';
import type { ApiDeps } from '../api/app';
import type { OperationDoc } from '../api/openapi';
import { adminServicesRouteDocs, createAdminServicesRouter } from '../api/routes/admin-services';
import { createIntegrationDaemonRouter, integrationDaemonRouteDocs } from '../api/routes/integration-daemon';
import { createMetadataRouter, metadataRouteDocs } from '../api/routes/metadata';
import { DaemonClient } from './daemon-client';
import { MetadataClient } from './metadata-client';

/** The integration daemon's three routers (admin services, runtime, metadata), sharing one client of each kind. */
export function createDaemonRouters(deps: ApiDeps): Router[] {
  const { credentials, log } = deps;
  const daemons = new DaemonClient(deps.client, deps.taskQueue, deps.settings.TETHER_DAEMON_POLL_SECONDS);
  const metadata = new MetadataClient(deps.client, deps.taskQueue, log);
  return [
    createAdminServicesRouter({ credentials, daemons, log }),
    createIntegrationDaemonRouter({ credentials, daemons, log }),
    createMetadataRouter({ credentials, metadata }),
  ];
}

export const daemonRouteDocs: OperationDoc[] = [...adminServicesRouteDocs, ...integrationDaemonRouteDocs, ...metadataRouteDocs];
