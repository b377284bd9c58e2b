import type { Logger } from 'pino';
import { z } from 'zod';
import { daemonName } from '../../contracts/daemon';
import { egeriaOk } from '../../daemon/egeria-response';
import { ApiError } from '../../errors';
import type { ApiRoute } from '../auth';
import { adminServicesPrefixes } from './admin-services';
import { egeriaRoutes, type EgeriaOperation } from './egeria-route';
import { integrationDaemonPrefixes } from './integration-daemon';

/**
 * Egeria 4.x's integration services (OMIS: files-integrator, topic-integrator, …), which Tether does not run: it runs
 * integration groups only (Egeria 5 removed the integration services too). Egeria's request collections for the
 * daemon and its admin services still call them, so these paths answer as an Egeria daemon answers for a service it
 * does not run, in Egeria's envelope, rather than with a bare 404 an Egeria client cannot read.
 * Egeria's integration services exist only in the `/users/{userId}` path forms.
 */
const omisPrefixes = ['/servers/:serverName/open-metadata/integration-services/:serviceURLMarker/users/:userId'];

// A service URL marker names a path segment, bounded as server names are.
const serviceURLMarker = z.object({ serviceURLMarker: daemonName('serverName', 'serviceURLMarker') });

export function integrationServicesRoutes(log: Logger): ApiRoute[] {
  // IntegrationDaemonResource.refreshService / restartService (Egeria 3.x–4.x): the daemon looks the marker up among the
  // services it runs and answers IntegrationDaemonServicesErrorCode.UNKNOWN_INTEGRATION_SERVICE.
  const daemonServiceOperation = (action: 'refresh' | 'restart'): EgeriaOperation => ({
    method: 'post',
    path: `/integration-services/:serviceURLMarker/${action}`,
    operation: action === 'refresh' ? 'refreshService' : 'restartService',
    summary: `Egeria 4.x: ${action} an integration service's connectors. Tether runs no integration services: InvalidParameterException (INTEGRATION-DAEMON-SERVICES-400-030)`,
    responseClass: 'VoidResponse',
    params: serviceURLMarker,
    releases: ['4'],
    handler: async (ctx) => {
      const { serverName, serviceURLMarker: marker } = ctx.params as { serverName: string; serviceURLMarker: string };
      throw new ApiError(400, 'UNKNOWN_INTEGRATION_SERVICE', `Integration service with URL marker ${marker} is not registered in the integration daemon ${serverName}`, {
        serviceURLMarker: ['Tether runs integration groups only'],
      });
    },
  });

  const omisOperations: EgeriaOperation[] = [
    {
      // The integration services' own resources (e.g. FilesIntegratorResource.validateConnector): on a server that does
      // not run the service Egeria's instance handler answers OMAGServerInstanceErrorCode.SERVICE_NOT_AVAILABLE (404).
      method: 'get',
      path: '/validate-connector/:connectorProviderClassName',
      operation: 'validateConnector',
      summary: 'Egeria 4.x integration service (OMIS) connector validation. Tether runs no integration services: InvalidParameterException (OMAG-MULTI-TENANT-404-002)',
      responseClass: 'ConnectorTypeResponse',
      params: serviceURLMarker,
      handler: async (ctx) => {
        const { serverName, serviceURLMarker: marker, userId } = ctx.params as { serverName: string; serviceURLMarker: string; userId: string };
        throw new ApiError(404, 'SERVICE_NOT_AVAILABLE', `The ${marker} service is not available on OMAG Server ${serverName} to handle a request from user ${userId}`, {
          serviceURLMarker: ['Tether runs integration groups only; use …/integration-daemon/validate-connector/{connectorType}'],
        });
      },
    },
  ];

  const adminOperations: EgeriaOperation[] = [
    {
      // IntegrationDaemonConfigurationClient.getConfiguredIntegrationServices (Egeria 4.x admin services).
      method: 'get',
      path: '/integration-services',
      operation: 'getConfiguredIntegrationServices',
      summary: 'Egeria 4.x: the integration services configured on the server. Tether runs none (`services` left out)',
      responseClass: 'RegisteredOMAGServicesResponse',
      payload: { services: z.array(z.unknown()).optional() },
      releases: ['4'],
      handler: async (ctx) => {
        ctx.body = egeriaOk('RegisteredOMAGServicesResponse');
      },
    },
    {
      method: 'post',
      path: '/integration-services/:serviceURLMarker',
      operation: 'configureIntegrationService',
      summary: 'Egeria 4.x: configure an integration service. Refused: Tether runs integration groups only (OMAGInvalidParameterException)',
      responseClass: 'VoidResponse',
      params: serviceURLMarker,
      releases: ['4'],
      handler: async (ctx) => {
        const marker = ctx.params.serviceURLMarker!;
        throw new ApiError(400, 'INTEGRATION_SERVICES_NOT_SUPPORTED', `Integration service ${marker} cannot be configured: Tether runs integration groups, not integration services`, {
          serviceURLMarker: ['configure an integration group instead'],
        });
      },
    },
  ];

  return [
    ...egeriaRoutes('integration-daemon', integrationDaemonPrefixes, daemonName('serverName'), [daemonServiceOperation('refresh'), daemonServiceOperation('restart')], log),
    ...egeriaRoutes('integration-daemon', omisPrefixes, daemonName('serverName'), omisOperations, log),
    ...egeriaRoutes('admin-services', adminServicesPrefixes, daemonName('serverName'), adminOperations, log),
  ];
}
