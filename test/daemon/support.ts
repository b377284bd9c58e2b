import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { folderMonitorConnector } from '../../src/connectors/folder-monitor';
import { httpPollConnector } from '../../src/connectors/http-poll';
import type { connectorReport } from '../../src/daemon/egeria-status';
import { adminAuth, startTestTether, type TestTether } from '../support/tether';

/** The built-in integration connectors, passed explicitly (the dev defaults belong to another module). */
export const integrationRegistry = () =>
  new ConnectorRegistry([
    { definition: httpPollConnector, instances: [] },
    { definition: folderMonitorConnector, instances: [] },
  ]);

export const startDaemonTether = (env: Record<string, string> = {}) =>
  startTestTether({ registry: integrationRegistry, env: { TETHER_ADMIN_TOKEN: 'test-admin-token-0123456789', ...env } });

/** Unique names: workflow ids are global to the suite's namespace. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface PeerRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  at: number;
}

/** A real HTTP peer that records every request and answers with the status a test sets (a path in `slow` after that many ms). */
export interface Peer {
  url: string;
  requests: PeerRequest[];
  status: number;
  slow: Map<string, number>;
  hits(path: string): PeerRequest[];
  close(): Promise<void>;
}

export async function startPeer(): Promise<Peer> {
  const peer = { requests: [] as PeerRequest[], status: 200, slow: new Map() } as Peer;
  const server: Server = createServer((req, res) => {
    peer.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() });
    const answer = () => res.writeHead(peer.status, { 'content-type': 'text/plain' }).end(peer.status < 300 ? 'ok' : 'broken');
    const delayMs = peer.slow.get(req.url ?? '');
    if (delayMs) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.hits = (path) => peer.requests.filter((r) => r.url === path);
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

/** Polls until the check passes (returns a truthy value) or the deadline passes. */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {}): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One connector as Egeria's IntegrationConnectorReport renders it, with Tether's extra properties. */
export type ConnectorReport = ReturnType<typeof connectorReport>;

/** Egeria 5's paths (ConfigIntegrationGroupsResource / IntegrationDaemonResource in odpi/egeria). */
export const adminPath = (serverName: string) => `/open-metadata/admin-services/servers/${serverName}`;
export const runtimePath = (serverName: string) => `/servers/${serverName}/open-metadata/integration-daemon`;

/** Admin-side helpers bound to one Tether and one daemon server name. */
export function daemonApi(tether: TestTether, serverName: string) {
  const api = () => request(tether.url);
  const admin = adminPath(serverName);
  const runtime = runtimePath(serverName);
  return {
    groupConfig: (qualifiedName: string, metadataServerName: string, platformUrl = tether.url) => ({
      class: 'IntegrationGroupConfig',
      omagserverPlatformRootURL: platformUrl,
      omagserverName: metadataServerName,
      integrationGroupQualifiedName: qualifiedName,
    }),
    configure: (body: unknown) => api().post(`${admin}/integration-groups/configuration`).set(adminAuth).send(body as object),
    configureAll: (body: unknown) => api().post(`${admin}/integration-groups/configuration/all`).set(adminAuth).send(body as object),
    configuration: () => api().get(`${admin}/integration-groups/configuration`).set(adminAuth),
    removeAll: () => api().delete(`${admin}/integration-groups`).set(adminAuth),
    remove: (qualifiedName: string) => api().delete(`${admin}/integration-groups/${encodeURIComponent(qualifiedName)}`).set(adminAuth),
    putDefinition: (metadataServerName: string, qualifiedName: string, definition: unknown) =>
      api().put(`/metadata/servers/${metadataServerName}/integration-groups/${encodeURIComponent(qualifiedName)}`).set(adminAuth).send(definition as object),
    status: () => api().get(`${runtime}/status`).set(adminAuth),
    refresh: (body?: object) => api().post(`${runtime}/integration-connectors/refresh`).set(adminAuth).send(body),
    restart: (body?: object) => api().post(`${runtime}/integration-connectors/restart`).set(adminAuth).send(body),
    refreshConfig: (qualifiedName: string) => api().get(`${runtime}/integration-groups/${encodeURIComponent(qualifiedName)}/refresh-config`).set(adminAuth),
    /** The configured groups' summaries (IntegrationGroupSummary[]), none when not configured. */
    async summaries(): Promise<Array<{ integrationGroupName: string; integrationGroupStatus: string; integrationConnectorReports?: ConnectorReport[]; lastDefinitionError?: string }>> {
      const response = await api().get(`${runtime}/status`).set(adminAuth);
      if (response.status !== 200 || response.body.relatedHTTPCode !== 200) throw new Error(`status answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body.integrationDaemonStatus.integrationGroupSummaries ?? [];
    },
    /** Every connector's report, by name, across groups. */
    async connectors(): Promise<Record<string, ConnectorReport>> {
      const all: Record<string, ConnectorReport> = {};
      for (const group of await this.summaries()) for (const connector of group.integrationConnectorReports ?? []) all[connector.connectorName] = connector;
      return all;
    },
  };
}

/** A new daemon server with one configured group whose definition lives in `tether`'s own metadata service. */
export async function configureGroup(tether: TestTether, connectors: object[]) {
  const serverName = unique('daemon');
  const api = daemonApi(tether, serverName);
  const metadataServer = unique('md');
  const qualifiedName = unique('group');
  await api.putDefinition(metadataServer, qualifiedName, { connectors }).expect(201);
  await api.configure(api.groupConfig(qualifiedName, metadataServer)).expect(200);
  /** Replaces the group's definition (the reconciler follows it). */
  const define = (next: object[]) => api.putDefinition(metadataServer, qualifiedName, { connectors: next }).expect(200);
  const runtime = (path: string) => `${runtimePath(serverName)}${path}`;
  return { api, serverName, qualifiedName, metadataServer, define, runtime };
}

export const pollConnector = (connectorName: string, url: string, extra: Record<string, unknown> = {}) => ({
  connectorName,
  connectorType: 'tether.http-poll',
  configuration: { url },
  refreshIntervalSeconds: 1,
  restartPolicy: { initialIntervalSeconds: 0.5, coefficient: 2, maximumIntervalSeconds: 4 },
  ...extra,
});
