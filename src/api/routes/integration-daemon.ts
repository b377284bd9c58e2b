import type { Logger } from 'pino';
import { z } from 'zod';
import { refreshConnectorSignal, restartConnectorSignal } from '../../contracts/daemon-workflows';
import type { DaemonClient } from '../../daemon/daemon-client';
import { egeriaErrors, egeriaOk } from '../../daemon/egeria-response';
import type { ApiRoute } from '../auth';
import { NotFoundError } from '../errors';
import { parseOrThrow } from '../validate';
import { EgeriaErrorResponse, EgeriaVoidResponse } from './admin-services';
import { ConnectorStatusValue } from '../../contracts/daemon';

/** Body of refresh and restart: one connector by name, or (no body) all of them. */
export const ConnectorSelection = z.object({ connectorName: z.string().trim().min(1, 'connectorName must not be empty').optional() }).optional();

const prefix = '/open-metadata/integration-daemon/servers/:serverName';
const tag = 'integration-daemon';

export const ConnectorStatusReport = z.object({
  connectorName: z.string(),
  connectorType: z.string(),
  connectorStatus: ConnectorStatusValue,
  lastStatusChange: z.string(),
  lastRefreshTime: z.string().nullable(),
  lastRefreshSummary: z.string().nullable(),
  refreshCount: z.number(),
  restartCount: z.number(),
  lastRestartAt: z.string().nullable(),
  nextRestartAt: z.string().nullable(),
  failingExceptionMessage: z.string().nullable(),
  workflowId: z.string(),
});

const IntegrationDaemonStatusResponse = z.object({
  class: z.literal('IntegrationDaemonStatusResponse'),
  relatedHTTPCode: z.number(),
  serverName: z.string(),
  groups: z.array(
    z.object({
      integrationGroupQualifiedName: z.string(),
      omagserverPlatformRootURL: z.string(),
      omagserverName: z.string(),
      lastDefinitionError: z.string().nullable(),
      lastReconciledAt: z.string().nullable(),
      connectors: z.array(ConnectorStatusReport),
    }),
  ),
});

const egeriaError = (responseClass: string, description: string) => ({ description, schema: EgeriaErrorResponse(responseClass) });

export interface IntegrationDaemonDeps {
  daemons: DaemonClient;
  log: Logger;
}

/** Runtime endpoints of a server's integration daemon: status, manual refresh and restart, refresh-config. */
export function integrationDaemonRoutes({ daemons, log }: IntegrationDaemonDeps): ApiRoute[] {
  const voidEnvelope = [egeriaErrors('VoidResponse', log)];
  const signalRoutes = (
    [
      ['refresh', refreshConnectorSignal],
      ['restart', restartConnectorSignal],
    ] as const
  ).map(
    ([action, signal]): ApiRoute => ({
      method: 'post',
      path: `${prefix}/integration-connectors/${action}`,
      summary: `${action === 'refresh' ? 'Refresh' : 'Restart'} one connector ({connectorName}) or, without a body, all of them`,
      tag,
      auth: 'admin',
      body: ConnectorSelection,
      responses: {
        200: { description: 'Signalled', schema: EgeriaVoidResponse },
        400: egeriaError('VoidResponse', 'Invalid body or server name'),
        401: egeriaError('VoidResponse', 'Missing or wrong admin token'),
        404: { description: 'No connector of that name', schema: EgeriaVoidResponse },
      },
      before: voidEnvelope,
      handler: async (ctx) => {
        const serverName = ctx.params.serverName!;
        const connectorName = parseOrThrow(ConnectorSelection, ctx.request.body)?.connectorName;
        const signalled = await daemons.signalConnectors(serverName, signal, connectorName);
        if (connectorName !== undefined && signalled === 0) throw new NotFoundError(`No integration connector ${connectorName} runs on server ${serverName}`);
        ctx.body = egeriaOk('VoidResponse');
      },
    }),
  );
  return [
    {
      method: 'get',
      path: `${prefix}/status`,
      summary: 'Status of every integration group and connector',
      tag,
      auth: 'admin',
      responses: {
        200: { description: 'IntegrationDaemonStatusResponse', schema: IntegrationDaemonStatusResponse },
        400: egeriaError('IntegrationDaemonStatusResponse', 'Invalid server name'),
        401: egeriaError('IntegrationDaemonStatusResponse', 'Missing or wrong admin token'),
      },
      before: [egeriaErrors('IntegrationDaemonStatusResponse', log)],
      handler: async (ctx) => {
        const serverName = ctx.params.serverName!;
        ctx.body = egeriaOk('IntegrationDaemonStatusResponse', { serverName, groups: await daemons.status(serverName) });
      },
    },
    ...signalRoutes,
    {
      method: 'post',
      path: `${prefix}/integration-groups/:qualifiedName/refresh-config`,
      summary: 'Re-read the group definition now; answers once the group is reconciled',
      tag,
      auth: 'admin',
      responses: {
        200: { description: 'Reconciled (what started, restarted, stopped)', schema: EgeriaVoidResponse.extend({ reconciliation: z.unknown() }) },
        400: egeriaError('VoidResponse', 'Invalid server or group name'),
        401: egeriaError('VoidResponse', 'Missing or wrong admin token'),
        404: { description: 'Not configured', schema: EgeriaVoidResponse },
      },
      before: voidEnvelope,
      handler: async (ctx) => {
        const { serverName, qualifiedName } = ctx.params as { serverName: string; qualifiedName: string };
        const result = await daemons.refreshConfig(serverName, qualifiedName);
        ctx.body = egeriaOk('VoidResponse', { reconciliation: result });
      },
    },
  ];
}
