import { IntegrationGroupConfig, IntegrationGroupConfigList } from '../../contracts/daemon';
import { configureAllGroupsUpdate, configureGroupUpdate, removeAllGroupsUpdate, removeGroupUpdate } from '../../contracts/daemon-workflows';
import type { DaemonClient } from '../../daemon/daemon-client';
import { egeriaErrors, egeriaOk } from '../../daemon/egeria-response';
import type { ApiRoute } from '../auth';
import { NotFoundError } from '../errors';
import { parseOrThrow } from '../validate';
import type { Logger } from 'pino';
import { z } from 'zod';

const prefix = '/open-metadata/admin-services/servers/:serverName';
const tag = 'integration-daemon';

/** Egeria's envelope: relatedHTTPCode always; exceptionErrorMessage (and field details) on errors. */
export const EgeriaErrorResponse = (responseClass: string) =>
  z.object({
    class: z.literal(responseClass),
    relatedHTTPCode: z.number().int(),
    exceptionClassName: z.string().optional(),
    exceptionErrorMessage: z.string().optional(),
    exceptionProperties: z.record(z.string(), z.array(z.string())).optional(),
  });
export const EgeriaVoidResponse = EgeriaErrorResponse('VoidResponse');

const voidResponses = {
  200: { description: 'Applied', schema: EgeriaVoidResponse },
  400: { description: 'Invalid body; exceptionErrorMessage names the field', schema: EgeriaVoidResponse },
  401: { description: 'Missing or wrong admin token', schema: EgeriaVoidResponse },
};

export interface AdminServicesDeps {
  daemons: DaemonClient;
  log: Logger;
}

/** Egeria's integration daemon admin services (seed 001): configure the integration groups of a server. Errors in Egeria's envelope. */
export function adminServicesRoutes({ daemons, log }: AdminServicesDeps): ApiRoute[] {
  const envelope = (responseClass: 'VoidResponse' | 'IntegrationGroupsResponse') => [egeriaErrors(responseClass, log)];
  return [
    {
      method: 'post',
      path: `${prefix}/integration-groups/configuration`,
      summary: 'Add or replace one integration group',
      tag,
      auth: 'admin',
      body: IntegrationGroupConfig,
      responses: voidResponses,
      before: envelope('VoidResponse'),
      handler: async (ctx) => {
        const config = parseOrThrow(IntegrationGroupConfig, ctx.request.body);
        await daemons.configure(ctx.params.serverName!, configureGroupUpdate, config);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'post',
      path: `${prefix}/integration-groups/configuration/all`,
      summary: 'Replace all integration groups',
      tag,
      auth: 'admin',
      body: IntegrationGroupConfigList,
      responses: voidResponses,
      before: envelope('VoidResponse'),
      handler: async (ctx) => {
        const configs = parseOrThrow(IntegrationGroupConfigList, ctx.request.body);
        await daemons.configure(ctx.params.serverName!, configureAllGroupsUpdate, configs);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'get',
      path: `${prefix}/integration-groups/configuration`,
      summary: 'The configured integration groups',
      tag,
      auth: 'admin',
      responses: {
        200: { description: 'IntegrationGroupsResponse', schema: z.object({ class: z.literal('IntegrationGroupsResponse'), relatedHTTPCode: z.number(), groups: z.array(IntegrationGroupConfig) }) },
        400: { description: 'Invalid server name', schema: EgeriaErrorResponse('IntegrationGroupsResponse') },
        401: { description: 'Missing or wrong admin token', schema: EgeriaErrorResponse('IntegrationGroupsResponse') },
      },
      before: envelope('IntegrationGroupsResponse'),
      handler: async (ctx) => {
        ctx.body = egeriaOk('IntegrationGroupsResponse', { groups: await daemons.groups(ctx.params.serverName!) });
      },
    },
    {
      method: 'delete',
      path: `${prefix}/integration-groups`,
      summary: 'Remove all integration groups (their connectors stop)',
      tag,
      auth: 'admin',
      responses: voidResponses,
      before: envelope('VoidResponse'),
      handler: async (ctx) => {
        await daemons.update(ctx.params.serverName!, removeAllGroupsUpdate);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'delete',
      path: `${prefix}/integration-groups/:qualifiedName`,
      summary: 'Remove one integration group (its connectors stop)',
      tag,
      auth: 'admin',
      responses: { ...voidResponses, 404: { description: 'Not configured', schema: EgeriaVoidResponse } },
      before: envelope('VoidResponse'),
      handler: async (ctx) => {
        const { serverName, qualifiedName } = ctx.params as { serverName: string; qualifiedName: string };
        const found = await daemons.update(serverName, removeGroupUpdate, qualifiedName);
        if (!found) throw new NotFoundError(`Integration group ${qualifiedName} is not configured on server ${serverName}`);
        ctx.body = egeriaOk('VoidResponse');
      },
    },
  ];
}
