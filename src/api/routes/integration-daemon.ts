import Router from '@koa/router';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Credentials } from '../../config/credentials';
import { refreshConnectorSignal, restartConnectorSignal } from '../../contracts/daemon-workflows';
import type { DaemonClient } from '../../daemon/daemon-client';
import { egeriaErrors, egeriaOk } from '../../daemon/egeria-response';
import { requireAuth } from '../auth';
import { NotFoundError } from '../errors';
import { parseOrThrow } from '../validate';
import type { OperationDoc } from '../openapi';
import { EgeriaVoidResponse } from './admin-services';
import { ConnectorStatusValue } from '../../contracts/daemon';

/** Body of refresh and restart: one connector by name, or (no body) all of them. */
export const ConnectorSelection = z.object({ connectorName: z.string().trim().min(1, 'connectorName must not be empty').optional() }).optional();

export interface IntegrationDaemonDeps {
  credentials: Credentials;
  daemons: DaemonClient;
  log: Logger;
}

/** Runtime endpoints of a server's integration daemon: status, manual refresh and restart, refresh-config. */
export function createIntegrationDaemonRouter({ credentials, daemons, log }: IntegrationDaemonDeps): Router {
  const router = new Router({ prefix: '/open-metadata/integration-daemon/servers/:serverName' });
  const auth = requireAuth(credentials, ['admin']);

  router.get('/status', egeriaErrors('IntegrationDaemonStatusResponse', log), auth, async (ctx) => {
    const serverName = ctx.params.serverName!;
    ctx.body = egeriaOk('IntegrationDaemonStatusResponse', { serverName, groups: await daemons.status(serverName) });
  });

  for (const [action, signal] of [
    ['refresh', refreshConnectorSignal],
    ['restart', restartConnectorSignal],
  ] as const) {
    router.post(`/integration-connectors/${action}`, egeriaErrors('VoidResponse', log), auth, async (ctx) => {
      const serverName = ctx.params.serverName!;
      const connectorName = parseOrThrow(ConnectorSelection, ctx.request.body)?.connectorName;
      const signalled = await daemons.signalConnectors(serverName, signal, connectorName);
      if (connectorName !== undefined && signalled === 0) throw new NotFoundError(`No integration connector ${connectorName} runs on server ${serverName}`);
      ctx.body = egeriaOk('VoidResponse');
    });
  }

  router.post('/integration-groups/:qualifiedName/refresh-config', egeriaErrors('VoidResponse', log), auth, async (ctx) => {
    const { serverName, qualifiedName } = ctx.params as { serverName: string; qualifiedName: string };
    const result = await daemons.refreshConfig(serverName, qualifiedName);
    ctx.body = egeriaOk('VoidResponse', { reconciliation: result });
  });

  return router;
}

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

export const integrationDaemonRouteDocs: OperationDoc[] = [
  {
    method: 'get',
    path: `${prefix}/status`,
    summary: 'Status of every integration group and connector',
    tag,
    auth: 'admin',
    responses: {
      200: {
        description: 'IntegrationDaemonStatusResponse',
        schema: z.object({
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
        }),
      },
    },
  },
  ...(['refresh', 'restart'] as const).map(
    (action): OperationDoc => ({
      method: 'post',
      path: `${prefix}/integration-connectors/${action}`,
      summary: `${action === 'refresh' ? 'Refresh' : 'Restart'} one connector ({connectorName}) or, without a body, all of them`,
      tag,
      auth: 'admin',
      body: ConnectorSelection,
      responses: { 200: { description: 'Signalled', schema: EgeriaVoidResponse }, 404: { description: 'No connector of that name', schema: EgeriaVoidResponse } },
    }),
  ),
  {
    method: 'post',
    path: `${prefix}/integration-groups/:qualifiedName/refresh-config`,
    summary: 'Re-read the group definition now; answers once the group is reconciled',
    tag,
    auth: 'admin',
    responses: { 200: { description: 'Reconciled (what started, restarted, stopped)', schema: EgeriaVoidResponse.extend({ reconciliation: z.unknown() }) }, 404: { description: 'Not configured', schema: EgeriaVoidResponse } },
  },
];
