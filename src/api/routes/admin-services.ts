import type { Logger } from 'pino';
import { z } from 'zod';
import { daemonName, IntegrationGroupConfig, IntegrationGroupConfigList } from '../../contracts/daemon';
import { configureAllGroupsUpdate, configureGroupUpdate, removeAllGroupsUpdate, removeGroupUpdate } from '../../contracts/daemon-workflows';
import type { DaemonClient } from '../../daemon/daemon-client';
import { egeriaOk } from '../../daemon/egeria-response';
import type { ApiRoute } from '../auth';
import { NotFoundError } from '../../errors';
import { parseOrThrow } from '../../errors/validation';
import { egeriaRoutes, type EgeriaOperation } from './egeria-route';

/**
 * Egeria 5 serves these under `/open-metadata/admin-services/servers/{serverName}`; Egeria 4.x (and
 * ConfigIntegrationGroupsResource.java in odpi/egeria) under `/open-metadata/admin-services/users/{userId}/servers/{serverName}`.
 */
export const adminServicesPrefixes = ['/open-metadata/admin-services/servers/:serverName', '/open-metadata/admin-services/users/:userId/servers/:serverName'];

export interface AdminServicesDeps {
  daemons: DaemonClient;
  log: Logger;
}

/** Egeria's integration group configuration (ConfigIntegrationGroupsResource): add, replace all, read, clear. */
export function adminServicesRoutes({ daemons, log }: AdminServicesDeps): ApiRoute[] {
  const operations: EgeriaOperation[] = [
    {
      method: 'post',
      path: '/integration-groups/configuration',
      operation: 'configureIntegrationGroup',
      summary: 'Add or replace one integration group',
      responseClass: 'VoidResponse',
      body: IntegrationGroupConfig,
      handler: async (ctx) => {
        const config = parseOrThrow(IntegrationGroupConfig, ctx.request.body);
        await daemons.configure(ctx.params.serverName!, configureGroupUpdate, config);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'post',
      path: '/integration-groups/configuration/all',
      operation: 'setIntegrationGroupsConfig',
      summary: 'Replace all integration groups',
      responseClass: 'VoidResponse',
      body: IntegrationGroupConfigList,
      handler: async (ctx) => {
        const configs = parseOrThrow(IntegrationGroupConfigList, ctx.request.body);
        await daemons.configure(ctx.params.serverName!, configureAllGroupsUpdate, configs);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'get',
      path: '/integration-groups/configuration',
      operation: 'getIntegrationGroupsConfiguration',
      summary: 'The configured integration groups (`groups` left out when there are none, as Egeria does)',
      responseClass: 'IntegrationGroupsResponse',
      payload: { groups: z.array(IntegrationGroupConfig).optional() },
      handler: async (ctx) => {
        const { groups } = await daemons.groups(ctx.params.serverName!);
        ctx.body = egeriaOk('IntegrationGroupsResponse', { groups: groups.length ? groups : undefined });
      },
    },
    {
      method: 'delete',
      path: '/integration-groups',
      operation: 'clearAllIntegrationGroups',
      summary: 'Remove all integration groups (their connectors stop)',
      responseClass: 'VoidResponse',
      handler: async (ctx) => {
        await daemons.update(ctx.params.serverName!, removeAllGroupsUpdate);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'delete',
      path: '/integration-groups/:groupQualifiedName',
      operation: 'clearIntegrationGroup',
      summary: 'Remove one integration group (its connectors stop); an unknown group is a no-op, as in Egeria',
      responseClass: 'VoidResponse',
      params: z.object({ groupQualifiedName: daemonName('integrationGroupQualifiedName', 'groupQualifiedName') }),
      handler: async (ctx) => {
        const { serverName, groupQualifiedName } = ctx.params as { serverName: string; groupQualifiedName: string };
        try {
          await daemons.update(serverName, removeGroupUpdate, groupQualifiedName);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
        ctx.body = egeriaOk('VoidResponse');
      },
    },
  ];
  return egeriaRoutes('admin-services', adminServicesPrefixes, daemonName('serverName'), operations, log);
}
