/**
 * Conformance of the integration daemon's runtime surface with Egeria 5, derived from odpi/egeria:
 * - paths, methods, bodies: open-metadata-implementation/governance-servers/integration-daemon-services/
 *   integration-daemon-services-spring/…/IntegrationDaemonResource.java (Egeria 5: `/servers/{serverName}/open-metadata/
 *   integration-daemon`, optional `?delegatingUserId=`; refresh and restart take an optional NameRequestBody;
 *   refresh-config is a GET) and the 4.x form its Java client uses, integration-daemon-services-client/…/IntegrationDaemon.java
 *   (`/servers/{0}/open-metadata/integration-daemon/users/{1}/integration-connectors/refresh` with a NameRequestBody);
 * - NameRequestBody: common-services/ffdc-services/…/rest/NameRequestBody.java (`name`);
 * - answers: integration-daemon-services-api/…/rest/IntegrationDaemonStatusResponse.java (integrationDaemonStatus),
 *   …/properties/IntegrationDaemonStatus.java (integrationGroupSummaries, null when empty), IntegrationGroupSummary.java
 *   (integrationGroupName, integrationGroupStatus, integrationConnectorReports), IntegrationConnectorReport.java
 *   (connectorName, connectorStatus, lastStatusChange, lastRefreshTime, minMinutesBetweenRefresh, failingExceptionMessage),
 *   IntegrationConnectorStatus.java / IntegrationGroupStatus.java (enum values), IntegrationGroupSummariesResponse.java,
 *   ConnectorConfigPropertiesRequestBody.java (connectorName, mergeUpdate, configurationProperties); validate-connector
 *   answers a ConnectorReportResponse whose ConnectorReport.java (Open Connector Framework) has connectorType,
 *   refreshTimeInterval, usesBlockingCalls;
 * - errors: common-services/ffdc-services/…/rest/FFDCResponseBase.java; Egeria 5 exception package
 *   org.odpi.openmetadata.frameworks.openmetadata.ffdc.
 */
import request from 'supertest';
import { egeriaConnectorStatuses } from '../../src/daemon/egeria-status';
import { adminAuth, startTestTether, uniqueTaskQueue, type TestTether } from '../support/tether';
import { configureGroup, daemonApi, integrationRegistry, pollConnector, runtimePath, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const invalidParameter = 'org.odpi.openmetadata.frameworks.openmetadata.ffdc.InvalidParameterException';

describe('integration daemon runtime: Egeria 5 conformance', () => {
  let tether: TestTether;
  let peer: Peer;
  beforeAll(async () => {
    [tether, peer] = await Promise.all([startDaemonTether(), startPeer()]);
  });
  afterAll(async () => {
    await tether.stop();
    await peer.close();
  });

  const group = (connectors: object[]) => configureGroup(tether, connectors);

  it('answers GET status as IntegrationDaemonStatusResponse, property by property, on the 5.x and 4.x paths', async () => {
    const path = `/${unique('status')}`;
    const { api, qualifiedName, runtime, serverName, metadataServer } = await group([pollConnector('poller', `${peer.url}${path}`, { refreshIntervalSeconds: 120 })]);
    await waitFor(async () => (await api.connectors()).poller?.connectorStatus === 'RUNNING', { what: 'RUNNING' });

    const response = await request(tether.url).get(runtime('/status')).query({ delegatingUserId: 'erinoverview' }).set(adminAuth).expect(200);
    expect(Object.keys(response.body).sort()).toEqual(['class', 'integrationDaemonStatus', 'relatedHTTPCode']);
    expect(response.body.class).toBe('IntegrationDaemonStatusResponse');
    expect(response.body.relatedHTTPCode).toBe(200);
    const [summary, ...others] = response.body.integrationDaemonStatus.integrationGroupSummaries;
    expect(others).toEqual([]);
    expect(summary).toMatchObject({ integrationGroupName: qualifiedName, integrationGroupStatus: 'RUNNING', omagserverName: metadataServer });
    const [report] = summary.integrationConnectorReports;
    expect(report).toMatchObject({
      connectorName: 'poller',
      connectorStatus: 'RUNNING',
      lastStatusChange: expect.any(Number),
      lastRefreshTime: expect.any(Number),
      minMinutesBetweenRefresh: 2,
      // Tether's additions, which Egeria's classes ignore.
      connectorType: 'tether.http-poll',
      tetherStatus: 'RUNNING',
      refreshIntervalSeconds: 120,
      refreshCount: 1,
      restartCount: 0,
    });
    // Jackson NON_NULL: no nulls anywhere, and no failure message on a working connector.
    expect(JSON.stringify(response.body)).not.toContain('null');
    expect(report.failingExceptionMessage).toBeUndefined();
    expect(egeriaConnectorStatuses).toContain(report.connectorStatus);

    const legacy = await request(tether.url).get(`/servers/${serverName}/open-metadata/integration-daemon/users/garygeeke/status`).set(adminAuth).expect(200);
    expect(legacy.body.integrationDaemonStatus.integrationGroupSummaries[0].integrationConnectorReports[0]).toMatchObject({ connectorName: 'poller', connectorStatus: 'RUNNING' });

    const summaries = await request(tether.url).get(runtime('/integration-groups/summary')).set(adminAuth).expect(200);
    expect(summaries.body).toMatchObject({ class: 'IntegrationGroupSummariesResponse', relatedHTTPCode: 200, integrationGroupSummaries: [{ integrationGroupName: qualifiedName }] });
    const one = await request(tether.url).get(runtime(`/integration-groups/${qualifiedName}/summary`)).set(adminAuth).expect(200);
    expect(one.body).toMatchObject({ class: 'IntegrationGroupSummaryResponse', relatedHTTPCode: 200, integrationGroupSummary: { integrationGroupName: qualifiedName, integrationGroupStatus: 'RUNNING' } });
    const unknown = await request(tether.url).get(runtime('/integration-groups/nope/summary')).set(adminAuth).expect(200);
    expect(unknown.body).toMatchObject({ class: 'IntegrationGroupSummaryResponse', relatedHTTPCode: 400, exceptionClassName: invalidParameter, exceptionProperties: { parameterName: 'integrationGroupName' } });

    // A server with nothing configured: integrationGroupSummaries left out (IntegrationDaemonStatus answers null for an empty list).
    const empty = await request(tether.url).get(`${runtimePath(unique('idle'))}/status`).set(adminAuth).expect(200);
    expect(empty.body).toEqual({ class: 'IntegrationDaemonStatusResponse', relatedHTTPCode: 200, integrationDaemonStatus: { statusReadAt: expect.any(Number) } });
    await api.removeAll().expect(200);
  });

  it('refreshes and restarts only the connector a NameRequestBody names, leaving the others untouched', async () => {
    const [a, b] = [`/${unique('a')}`, `/${unique('b')}`];
    const { api, runtime, serverName } = await group([
      pollConnector('connA', `${peer.url}${a}`, { refreshIntervalSeconds: 3600 }),
      pollConnector('connB', `${peer.url}${b}`, { refreshIntervalSeconds: 3600 }),
    ]);
    await waitFor(async () => {
      const all = await api.connectors();
      return all.connA?.connectorStatus === 'RUNNING' && all.connB?.connectorStatus === 'RUNNING';
    }, { what: 'both RUNNING' });
    expect([peer.hits(a).length, peer.hits(b).length]).toEqual([1, 1]);

    // The body Egeria's Java client sends (IntegrationDaemon.refreshConnector), on its 4.x path.
    await request(tether.url)
      .post(`/servers/${serverName}/open-metadata/integration-daemon/users/garygeeke/integration-connectors/refresh`)
      .set(adminAuth)
      .send({ class: 'NameRequestBody', name: 'connA' })
      .expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    await waitFor(() => peer.hits(a).length === 2, { what: 'connA refreshed' });

    await request(tether.url).post(runtime('/integration-connectors/restart')).set(adminAuth).send({ class: 'NameRequestBody', name: 'connB' }).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    await waitFor(async () => (await api.connectors()).connB?.restartCount === 1, { what: 'connB restarted' });
    await sleep(500);
    const after = await api.connectors();
    expect(after.connA).toMatchObject({ restartCount: 0, refreshCount: 2 });
    expect(after.connB).toMatchObject({ restartCount: 1, refreshCount: 2 });
    expect([peer.hits(a).length, peer.hits(b).length]).toEqual([2, 2]);

    // No body: every connector.
    await request(tether.url).post(runtime('/integration-connectors/refresh')).set(adminAuth).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    await waitFor(() => peer.hits(a).length === 3 && peer.hits(b).length === 3, { what: 'both refreshed' });

    // An unknown name is an error, and nothing is signalled.
    const unknown = await request(tether.url).post(runtime('/integration-connectors/restart')).set(adminAuth).send({ class: 'NameRequestBody', name: 'nobody' });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({
      class: 'VoidResponse',
      relatedHTTPCode: 400,
      exceptionClassName: invalidParameter,
      actionDescription: 'restartConnectors',
      exceptionErrorMessageId: 'TETHER-INTEGRATION-DAEMON-400-004',
      exceptionProperties: { parameterName: 'name' },
    });
    const wrongClass = await request(tether.url).post(runtime('/integration-connectors/refresh')).set(adminAuth).send({ class: 'StringRequestBody', name: 'connA' });
    expect(wrongClass.body).toMatchObject({ relatedHTTPCode: 400, exceptionProperties: { parameterName: 'class' } });
    await sleep(300);
    expect((await api.connectors()).connA!.restartCount).toBe(0);
    await api.removeAll().expect(200);
  });

  it('re-reads a group definition with GET refresh-config, and reads and updates configuration properties', async () => {
    const path = `/${unique('props')}`;
    const { api, runtime, qualifiedName } = await group([pollConnector('props', `${peer.url}${path}`, { refreshIntervalSeconds: 3600 })]);
    await waitFor(async () => (await api.connectors()).props?.connectorStatus === 'RUNNING', { what: 'RUNNING' });

    const reread = await request(tether.url).get(runtime(`/integration-groups/${qualifiedName}/refresh-config`)).set(adminAuth).expect(200);
    expect(reread.body).toMatchObject({ class: 'VoidResponse', relatedHTTPCode: 200 });

    const properties = await request(tether.url).get(runtime('/integration-connectors/props/configuration-properties')).set(adminAuth).expect(200);
    expect(properties.body).toEqual({ class: 'PropertiesResponse', relatedHTTPCode: 200, properties: { url: `${peer.url}${path}` } });

    // mergeUpdate keeps the other properties; the connector restarts with the new ones.
    const moved = `/${unique('moved')}`;
    await request(tether.url)
      .post(runtime('/integration-connectors/configuration-properties'))
      .set(adminAuth)
      .send({ class: 'ConnectorConfigPropertiesRequestBody', connectorName: 'props', mergeUpdate: true, configurationProperties: { url: `${peer.url}${moved}`, method: 'HEAD' } })
      .expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    await waitFor(() => peer.hits(moved).length > 0, { what: 'the new URL polled' });
    expect(peer.hits(moved)[0]!.method).toBe('HEAD');

    const unknown = await request(tether.url).get(runtime('/integration-connectors/nobody/configuration-properties')).set(adminAuth).expect(200);
    expect(unknown.body).toMatchObject({ class: 'PropertiesResponse', relatedHTTPCode: 400, exceptionProperties: { parameterName: 'connectorName' } });
    await api.removeAll().expect(200);
  });

  it('validates a connector type', async () => {
    const runtime = runtimePath(unique('daemon'));
    const known = await request(tether.url).get(`${runtime}/validate-connector/tether.http-poll`).set(adminAuth).expect(200);
    expect(known.body).toMatchObject({
      class: 'ConnectorReportResponse',
      relatedHTTPCode: 200,
      connectorReport: { connectorType: { class: 'ConnectorType', connectorProviderClassName: 'tether.http-poll' }, refreshTimeInterval: 0, usesBlockingCalls: false },
    });
    const unknown = await request(tether.url).get(`${runtime}/validate-connector/org.example.NopeProvider`).set(adminAuth).expect(200);
    expect(unknown.body).toMatchObject({ relatedHTTPCode: 400, exceptionClassName: invalidParameter, exceptionProperties: { parameterName: 'connectorProviderClassName' } });
  });

  it('reports a connector whose definition is invalid (a 1,100-character name) as CONFIG_FAILED, runs the others, and stops them when the group goes', async () => {
    const good = `/${unique('good')}`;
    const badName = 'x'.repeat(1_100);
    const serverName = unique('daemon');
    const api = daemonApi(tether, serverName);
    const metadataServer = unique('md');
    // The metadata service refuses it at the edge…
    const refused = await api.putDefinition(metadataServer, 'g', { connectors: [pollConnector(badName, `${peer.url}/bad`)] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toHaveProperty(['connectors.0.connectorName']);
    // …but a definition can come from another metadata server: serve one from a plain HTTP peer.
    const { createServer } = await import('node:http');
    const remote = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ definition: { connectors: [pollConnector('good', `${peer.url}${good}`), pollConnector(badName, `${peer.url}/bad`)] } }));
    });
    await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
    try {
      const remoteUrl = `http://127.0.0.1:${(remote.address() as { port: number }).port}`;
      await api.configure(api.groupConfig('remote.group', 'remote-md', remoteUrl)).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
      const reports = await waitFor(async () => {
        const all = await api.connectors();
        return all.good?.connectorStatus === 'RUNNING' && all[`${badName.slice(0, 64)}…`] && all;
      }, { what: 'good RUNNING, bad reported' });
      expect(reports[`${badName.slice(0, 64)}…`]).toMatchObject({
        connectorStatus: 'CONFIG_FAILED',
        failingExceptionMessage: 'connectors.1.connectorName: connectorName must be at most 256 bytes (UTF-8); got 1100',
      });
      expect(peer.hits('/bad')).toEqual([]);

      // Removing the group stops the connector it started (the reconciler did not die on the bad one).
      await api.remove('remote.group').expect(200);
      await waitFor(async () => (await api.summaries()).length === 0, { what: 'group removed' });
      await sleep(1_500);
      const hits = peer.hits(good).length;
      await sleep(2_500);
      expect(peer.hits(good).length).toBeLessThanOrEqual(hits + 1);
    } finally {
      remote.close();
    }
  });
});

describe('integration daemon status never waits on a worker (issue #13)', () => {
  it('answers from the last published state when no worker is running, and marks it stale once it should have changed', async () => {
    const peer = await startPeer();
    const taskQueue = uniqueTaskQueue('no-worker');
    const env = { TETHER_ADMIN_TOKEN: 'test-admin-token-0123456789', TETHER_TASK_QUEUE: taskQueue };
    const withWorker = await startDaemonTether(env);
    const apiOnly = await startTestTether({ registry: integrationRegistry, env, worker: false });
    let workerStopped = false;
    try {
      const serverName = unique('daemon');
      const api = daemonApi(withWorker, serverName);
      await api.putDefinition('md', 'g', { connectors: [pollConnector('lonely', `${peer.url}/lonely`, { refreshIntervalSeconds: 1 })] }).expect(201);
      await api.configure(api.groupConfig('g', 'md')).expect(200);
      await waitFor(async () => (await api.connectors()).lonely?.connectorStatus === 'RUNNING', { what: 'RUNNING' });

      await withWorker.stop();
      workerStopped = true;
      const readOnly = daemonApi(apiOnly, serverName);
      const startedAt = Date.now();
      const last = (await readOnly.connectors()).lonely!;
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(last.connectorStatus).toMatch(/RUNNING|REFRESHING/);
      // Its next refresh was due a second later; past the margin the last known state is marked stale.
      const stale = await waitFor(async () => (await readOnly.connectors()).lonely?.stale && (await readOnly.connectors()).lonely, { timeoutMs: 40_000, intervalMs: 1_000, what: 'stale' });
      expect(stale).toMatchObject({ connectorName: 'lonely', stale: true });
    } finally {
      if (!workerStopped) await withWorker.stop();
      await apiOnly.stop();
      await peer.close();
    }
  }, 90_000);
});
