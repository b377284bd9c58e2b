import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectorRegistry } from '../../connectors/registry';
import { daemonName } from '../../contracts/daemon';
import { refreshConnectorSignal, restartConnectorSignal } from '../../contracts/daemon-workflows';
import type { DaemonClient } from '../../daemon/daemon-client';
import { egeriaOk, unknownName } from '../../daemon/egeria-response';
import { daemonStatus, groupSummary } from '../../daemon/egeria-status';
import type { ApiRoute } from '../auth';
import { parseOrThrow } from '../../errors/validation';
import { egeriaRoutes, type EgeriaOperation } from './egeria-route';

/**
 * Egeria 5's IntegrationDaemonResource.java (odpi/egeria, integration-daemon-services-spring) maps
 * `/servers/{serverName}/open-metadata/integration-daemon`; Egeria 4.x and its Java client `IntegrationDaemon` add
 * `/users/{userId}` after it.
 */
export const integrationDaemonPrefixes = ['/servers/:serverName/open-metadata/integration-daemon', '/servers/:serverName/open-metadata/integration-daemon/users/:userId'];

/** Egeria's NameRequestBody (common-services/ffdc-services …/rest/NameRequestBody.java): `name`; its other properties are ignored. */
export const NameRequestBody = z
  .looseObject({
    class: z.literal('NameRequestBody', { error: 'class must be "NameRequestBody"' }).optional(),
    name: daemonName('connectorName', 'name').optional(),
  })
  .optional();

/** Egeria's NullRequestBody (common-services/ffdc-services …/rest/NullRequestBody.java): no properties but its class. */
export const NullRequestBody = z
  .looseObject({ class: z.literal('NullRequestBody', { error: 'class must be "NullRequestBody"' }).optional() })
  .optional();

/** Egeria's ConnectorConfigPropertiesRequestBody (integration-daemon-services-api …/rest/). */
export const ConnectorConfigPropertiesRequestBody = z.looseObject({
  class: z.literal('ConnectorConfigPropertiesRequestBody', { error: 'class must be "ConnectorConfigPropertiesRequestBody"' }).optional(),
  connectorName: daemonName('connectorName').optional(),
  mergeUpdate: z.boolean({ error: 'mergeUpdate must be a boolean' }).default(false),
  configurationProperties: z.record(z.string(), z.unknown(), { error: 'configurationProperties must be an object' }).default({}),
});

const integrationGroupName = z.object({ integrationGroupName: daemonName('integrationGroupQualifiedName', 'integrationGroupName') });
const connectorName = z.object({ connectorName: daemonName('connectorName') });

export interface IntegrationDaemonDeps {
  daemons: DaemonClient;
  registry: ConnectorRegistry;
  log: Logger;
}

/** The integration daemon's runtime surface as Egeria 5 serves it; status is read from the runs' published state. */
export function integrationDaemonRoutes({ daemons, registry, log }: IntegrationDaemonDeps): ApiRoute[] {
  const configuredGroup = async (serverName: string, name: string) => {
    const group = (await daemons.groups(serverName)).groups.find((candidate) => candidate.integrationGroupQualifiedName === name);
    if (!group) throw unknownName('integrationGroupName', `Integration group ${name} is not configured on integration daemon ${serverName}`);
    return group;
  };
  const namedConnectors = async (serverName: string, name: string | undefined, parameterName: string) => {
    const connectors = await daemons.connectorsNamed(serverName, name);
    if (name !== undefined && connectors.length === 0) throw unknownName(parameterName, `No integration connector named ${name} runs on integration daemon ${serverName}`);
    return connectors;
  };
  const signalConnectors = async (serverName: string, name: string | undefined, action: 'refresh' | 'restart') => {
    const targets = await namedConnectors(serverName, name, 'name');
    await daemons.signal(
      targets.map((connector) => connector.workflowId),
      action === 'refresh' ? refreshConnectorSignal : restartConnectorSignal,
    );
  };
  const signalOperation = (action: 'refresh' | 'restart'): EgeriaOperation => ({
    method: 'post',
    path: `/integration-connectors/${action}`,
    operation: action === 'refresh' ? 'refreshConnectors' : 'restartConnectors',
    summary: `${action === 'refresh' ? 'Refresh' : 'Restart'} the connector named by a NameRequestBody, or all connectors without one`,
    responseClass: 'VoidResponse',
    body: NameRequestBody,
    handler: async (ctx) => {
      await signalConnectors(ctx.params.serverName!, parseOrThrow(NameRequestBody, ctx.request.body)?.name, action);
      ctx.body = egeriaOk('VoidResponse');
    },
  });

  const operations: EgeriaOperation[] = [
    {
      method: 'get',
      path: '/status',
      operation: 'getIntegrationDaemonStatus',
      summary: 'Status of every integration group and connector',
      responseClass: 'IntegrationDaemonStatusResponse',
      payload: { integrationDaemonStatus: z.looseObject({ integrationGroupSummaries: z.array(z.looseObject({})).optional() }) },
      handler: async (ctx, release) => {
        ctx.body = egeriaOk('IntegrationDaemonStatusResponse', { integrationDaemonStatus: daemonStatus(await daemons.snapshot(ctx.params.serverName!), release) });
      },
    },
    {
      method: 'get',
      path: '/integration-groups/summary',
      operation: 'getIntegrationGroupSummaries',
      summary: 'A summary of each integration group',
      responseClass: 'IntegrationGroupSummariesResponse',
      payload: { integrationGroupSummaries: z.array(z.looseObject({})).optional() },
      handler: async (ctx, release) => {
        const { integrationGroupSummaries } = daemonStatus(await daemons.snapshot(ctx.params.serverName!), release);
        ctx.body = egeriaOk('IntegrationGroupSummariesResponse', { integrationGroupSummaries });
      },
    },
    {
      method: 'get',
      path: '/integration-groups/:integrationGroupName/summary',
      operation: 'getIntegrationGroupSummary',
      summary: 'The summary of one integration group',
      responseClass: 'IntegrationGroupSummaryResponse',
      payload: { integrationGroupSummary: z.looseObject({}).optional() },
      params: integrationGroupName,
      handler: async (ctx, release) => {
        const { serverName, integrationGroupName: name } = ctx.params as { serverName: string; integrationGroupName: string };
        const group = await configuredGroup(serverName, name);
        ctx.body = egeriaOk('IntegrationGroupSummaryResponse', { integrationGroupSummary: groupSummary(group, await daemons.snapshot(serverName), release) });
      },
    },
    {
      method: 'get',
      path: '/integration-groups/:integrationGroupName/refresh-config',
      operation: 'refreshIntegrationGroupConfig',
      summary: 'Re-read the group definition now; answers once the group is reconciled (Tether adds what changed)',
      responseClass: 'VoidResponse',
      payload: { reconciliation: z.unknown().optional() },
      params: integrationGroupName,
      handler: async (ctx) => {
        const { serverName, integrationGroupName: name } = ctx.params as { serverName: string; integrationGroupName: string };
        await configuredGroup(serverName, name);
        ctx.body = egeriaOk('VoidResponse', { reconciliation: await daemons.refreshConfig(serverName, name) });
      },
    },
    signalOperation('refresh'),
    signalOperation('restart'),
    {
      // Egeria 2.x–3.x (IntegrationDaemonResource.refreshAllServices: every integration service's connectors); still in
      // Egeria's request collections for the daemon. Gone from 4.x and 5, so served under the `/users/{userId}` form only.
      method: 'post',
      path: '/refresh',
      operation: 'refreshAllServices',
      summary: 'Refresh every connector (the form of Egeria releases before 4; same as integration-connectors/refresh without a body)',
      responseClass: 'VoidResponse',
      body: NullRequestBody,
      releases: ['4'],
      handler: async (ctx) => {
        parseOrThrow(NullRequestBody, ctx.request.body);
        await signalConnectors(ctx.params.serverName!, undefined, 'refresh');
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'get',
      path: '/integration-connectors/:connectorName/configuration-properties',
      operation: 'getConfigurationProperties',
      summary: "The named connector's configuration properties",
      responseClass: 'PropertiesResponse',
      payload: { properties: z.record(z.string(), z.unknown()).optional() },
      params: connectorName,
      handler: async (ctx) => {
        const { serverName, connectorName: name } = ctx.params as { serverName: string; connectorName: string };
        const [connector] = await namedConnectors(serverName, name, 'connectorName');
        const { configuration } = await daemons.connectorDefinition(connector!.workflowId);
        ctx.body = egeriaOk('PropertiesResponse', { properties: Object.keys(configuration).length ? configuration : undefined });
      },
    },
    {
      method: 'post',
      path: '/integration-connectors/configuration-properties',
      operation: 'updateConfigurationProperties',
      summary: 'Replace (or with mergeUpdate, merge) the configuration properties of the named connector, or of all; each restarts with them',
      responseClass: 'VoidResponse',
      body: ConnectorConfigPropertiesRequestBody,
      handler: async (ctx) => {
        const serverName = ctx.params.serverName!;
        const request = parseOrThrow(ConnectorConfigPropertiesRequestBody, ctx.request.body);
        const targets = await namedConnectors(serverName, request.connectorName, 'connectorName');
        await Promise.all(
          targets.map(async ({ workflowId }) => {
            const definition = await daemons.connectorDefinition(workflowId);
            const configuration = request.mergeUpdate ? { ...definition.configuration, ...request.configurationProperties } : request.configurationProperties;
            await daemons.reconfigureConnector(workflowId, { ...definition, configuration });
          }),
        );
        ctx.body = egeriaOk('VoidResponse');
      },
    },
    {
      method: 'get',
      path: '/validate-connector/:connectorProviderClassName',
      operation: 'validateConnector',
      summary: 'Whether this Tether can run an integration connector of that type (Tether types stand for provider class names)',
      responseClass: 'ConnectorReportResponse',
      payload: { connectorReport: z.looseObject({}).optional() },
      handler: async (ctx) => {
        const type = ctx.params.connectorProviderClassName!;
        const connector = registry.findIntegration(type);
        if (!connector) {
          const known = registry.list().filter((c) => c.definition.integration).map((c) => c.definition.type);
          throw unknownName('connectorProviderClassName', `${type} is not an integration connector type of this Tether; it knows ${known.join(', ') || 'none'}`);
        }
        // Egeria's ConnectorReport: connectorType (a ConnectorType bean), refreshTimeInterval and usesBlockingCalls
        // (primitives, always present); Tether adds the connector's version.
        ctx.body = egeriaOk('ConnectorReportResponse', {
          connectorReport: {
            connectorType: { class: 'ConnectorType', qualifiedName: connector.type, displayName: connector.name, connectorProviderClassName: connector.type },
            refreshTimeInterval: 0,
            usesBlockingCalls: false,
            connectorVersion: connector.version,
          },
        });
      },
    },
  ];
  return egeriaRoutes('integration-daemon', integrationDaemonPrefixes, daemonName('serverName'), operations, log);
}
