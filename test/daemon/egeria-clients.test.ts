/**
 * Tether driven by Egeria's own client code, not by our reading of it:
 * - Java: Egeria 4.2's published jars (Maven Central) — the admin services' IntegrationDaemonConfigurationClient, and
 *   for the runtime (Egeria published no integration-daemon client jar) its REST plumbing: FFDCRESTClient over
 *   SpringRESTClientConnector, the response beans of integration-daemon-services-api and RESTExceptionHandler
 *   (test/egeria-clients/java). A property, enum value, class name or envelope Tether gets wrong fails in Egeria's code.
 * - Python: pyegeria 1.5.1.0.23 (ServerOps, CoreServerConfig, FullServerConfig; test/egeria-clients/python).
 * Both are built by scripts/egeria-clients.js (once; a build failure fails this test) and run as child processes
 * against a real Tether and its real metadata service.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { testCredentials, type TestTether } from '../support/tether';
import { configureGroup, daemonApi, pollConnector, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

// The build script is plain CommonJS (.ci/run runs it with node before the suite).
const { ensureEgeriaClients } = require('../../scripts/egeria-clients.js') as {
  ensureEgeriaClients(log?: (line: string) => void): { javaClasspath: string; python: string };
};

type Step = string[];
/** One step's outcome as the client saw it. */
interface Outcome {
  step: Step;
  ok: boolean;
  value?: unknown;
  exception?: string;
  message?: string;
  messageId?: string;
  httpCode?: number;
  parameterName?: string;
  actionDescription?: string;
  relatedHTTPCode?: number;
  exceptionClassName?: string;
  rootCause?: string;
}

const userId = 'garygeeke';
const invalidParameter4x = 'org.odpi.openmetadata.frameworks.connectors.ffdc.InvalidParameterException';

function runProcess(command: string, args: string[], steps: Step[]): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${command} failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as Outcome[]);
      } catch {
        reject(new Error(`${command} printed no JSON report:\n${stdout}\n${stderr}`));
      }
    });
    child.stdin!.end(JSON.stringify(steps));
  });
}

/** Each step's outcome by step name (the last one of a name wins; tests name steps uniquely where it matters). */
const byStep = (outcomes: Outcome[]) => Object.fromEntries(outcomes.map((o) => [o.step.join(' '), o]));

describe('Tether driven by real Egeria clients (Egeria 4.2 Java jars, pyegeria 1.5.1.0.23)', () => {
  let tether: TestTether;
  let peer: Peer;
  /** Never answers: a connector polling it stays REFRESHING (Egeria 5's value, which 4.x's enum does not have). */
  let silent: Server;
  let silentUrl: string;
  let clients: { javaClasspath: string; python: string };

  beforeAll(async () => {
    // Builds once (Maven Central + PyPI on a fresh machine); prints what it took.
    clients = ensureEgeriaClients((line) => process.stdout.write(`${line}\n`));
    [tether, peer] = await Promise.all([startDaemonTether(), startPeer()]);
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  }, 900_000);
  afterAll(async () => {
    await tether?.stop();
    await peer?.close();
    silent?.closeAllConnections();
    silent?.close();
  });

  const java = (serverName: string, steps: Step[], password = testCredentials.adminToken) =>
    runProcess('java', ['-cp', clients.javaClasspath, 'tether.egeria.Main', tether.url, serverName, userId, 'tether-operator', password], steps);
  const pyegeria = (serverName: string, steps: Step[], token = testCredentials.adminToken) =>
    runProcess(clients.python, [join(__dirname, '..', 'egeria-clients', 'python', 'probe.py'), tether.url, serverName, userId, token], steps);

  it("Egeria's Java clients configure groups, read connectors RUNNING, refresh and restart one by name, and get Egeria's exceptions", async () => {
    const [ordersPath, stockPath] = [`/${unique('orders')}`, `/${unique('stock')}`];
    const metadataServer = unique('md');
    const [group, other] = [unique('sales.sync'), unique('stock.sync')];
    const serverName = unique('daemon');
    const api = daemonApi(tether, serverName);
    await api
      .putDefinition(metadataServer, group, {
        connectors: [
          pollConnector('orders-poll', `${peer.url}${ordersPath}`, { refreshIntervalSeconds: 3600 }),
          pollConnector('stock-poll', `${peer.url}${stockPath}`, { refreshIntervalSeconds: 3600 }),
          pollConnector('slow-poll', `${silentUrl}/never`, { refreshIntervalSeconds: 3600, configuration: { url: `${silentUrl}/never`, timeoutSeconds: 60 } }),
        ],
      })
      .expect(201);
    await api.putDefinition(metadataServer, other, { connectors: [] }).expect(201);

    const first = byStep(
      await java(serverName, [
        ['configure', group, metadataServer, tether.url],
        ['listGroups'],
        ['awaitRunning', '2', '60'],
        ['groupSummary', group],
        ['groupSummaries'],
        ['refresh', 'orders-poll'],
        ['restart', 'stock-poll'],
        ['refresh', 'no-such-connector'],
        ['groupSummary', 'no-such-group'],
        ['properties', 'orders-poll'],
        ['validate', 'tether.http-poll'],
        ['refreshConfig', group],
        ['updateProperties', 'stock-poll', JSON.stringify({ timeoutSeconds: 5 }), 'true'],
        ['properties', 'stock-poll'],
      ]),
    );
    const failures = Object.values(first).filter((o) => !o.ok && !o.step.includes('no-such-connector') && !o.step.includes('no-such-group'));
    expect(failures).toEqual([]);

    expect(first.listGroups!.value).toEqual([
      expect.objectContaining({ integrationGroupQualifiedName: group, omagserverName: metadataServer, omagserverPlatformRootURL: tether.url }),
    ]);
    // The connectors as Egeria's IntegrationConnectorReport beans read them: Egeria's enum, dates, a long.
    const awaited = first['awaitRunning 2 60']!.value as { running: number; groups: Array<{ integrationGroupName: string; integrationGroupStatus: string; connectors: Array<Record<string, unknown>> }> };
    expect(awaited.running).toBe(2);
    expect(awaited.groups).toEqual([
      {
        integrationGroupName: group,
        integrationGroupStatus: 'RUNNING',
        connectors: [
          expect.objectContaining({ connectorName: 'orders-poll', connectorStatus: 'RUNNING', lastRefreshTime: expect.stringMatching(/^20\d\d-/), minMinutesBetweenRefresh: 60 }),
          // Still in its first refresh: Egeria 5's REFRESHING, which a 4.x client reads as RUNNING (its enum has no
          // REFRESHING; sent as is, Jackson would fail the whole status call).
          expect.objectContaining({ connectorName: 'slow-poll', connectorStatus: 'RUNNING', lastRefreshTime: null }),
          expect.objectContaining({ connectorName: 'stock-poll', connectorStatus: 'RUNNING', lastRefreshTime: expect.stringMatching(/^20\d\d-/), minMinutesBetweenRefresh: 60 }),
        ],
      },
    ]);
    expect((await api.connectors())['slow-poll']).toMatchObject({ connectorStatus: 'REFRESHING' });
    expect(first[`groupSummary ${group}`]!.value).toMatchObject({ integrationGroupName: group, integrationGroupStatus: 'RUNNING' });
    expect(first.groupSummaries!.value).toEqual([expect.objectContaining({ integrationGroupName: group })]);
    expect(first['properties orders-poll']!.value).toEqual({ url: `${peer.url}${ordersPath}` });
    // mergeUpdate through Egeria's ConnectorConfigPropertiesRequestBody: merged into the connector's configuration.
    expect(first['properties stock-poll']!.value).toEqual({ url: `${peer.url}${stockPath}`, timeoutSeconds: 5 });
    expect(first['validate tether.http-poll']!.value).toEqual({ connectorProviderClassName: 'tether.http-poll', refreshTimeInterval: 0 });

    // Refresh and restart reached only the connector named.
    await waitFor(() => peer.hits(ordersPath).length === 2, { what: 'orders-poll refreshed by name' });
    // Restarted by name, then again with its new configuration properties.
    await waitFor(async () => (await api.connectors())['stock-poll']?.restartCount === 2, { what: 'stock-poll restarted by name and reconfigured' });
    expect((await api.connectors())['orders-poll']!.restartCount).toBe(0);
    // stock-poll refreshes again after its restarts (a restart overtaken by the next may skip its refresh); orders-poll
    // is untouched by them: still its first refresh and the named one.
    await waitFor(() => peer.hits(stockPath).length >= 2, { what: 'stock-poll refreshed after its restart' });
    expect(peer.hits(ordersPath)).toHaveLength(2);
    const stockHits = peer.hits(stockPath).length;

    // Unknown names: Egeria's InvalidParameterException, rebuilt by Egeria's RESTExceptionHandler from Tether's envelope.
    expect(first['refresh no-such-connector']).toMatchObject({
      ok: false,
      exception: invalidParameter4x,
      httpCode: 400,
      messageId: 'TETHER-INTEGRATION-DAEMON-400-004',
      actionDescription: 'refreshConnectors',
      message: expect.stringContaining('No integration connector named no-such-connector'),
    });
    expect(first['groupSummary no-such-group']).toMatchObject({ ok: false, exception: invalidParameter4x, messageId: 'TETHER-INTEGRATION-DAEMON-400-004' });

    // Replace all, remove one, remove all: what the admin client then reads back.
    // No name: every connector (Egeria's NameRequestBody without a name).
    const [refreshAll] = await java(serverName, [['refresh']]);
    expect(refreshAll).toMatchObject({ ok: true });
    await waitFor(() => peer.hits(ordersPath).length === 3 && peer.hits(stockPath).length > stockHits, { what: 'every connector refreshed' });

    const second = await java(serverName, [
      ['configureAll', group, metadataServer, tether.url, other, metadataServer, tether.url],
      ['listGroups'],
      ['removeGroup', other],
      ['listGroups'],
      ['removeAllGroups'],
      ['listGroups'],
      ['configure', 'bad\u0001name', metadataServer, tether.url],
    ]);
    expect(second.slice(0, 6).filter((o) => !o.ok)).toEqual([]);
    const names = (o: Outcome) => ((o.value as Array<{ integrationGroupQualifiedName: string }> | null) ?? []).map((g) => g.integrationGroupQualifiedName);
    expect(names(second[1]!).sort()).toEqual([group, other].sort());
    expect(names(second[3]!)).toEqual([group]);
    // Egeria's client answers null for no groups (the response leaves `groups` out).
    expect(second[5]!.value).toBeNull();
    expect(second[6]).toMatchObject({
      ok: false,
      exception: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGInvalidParameterException',
      httpCode: 400,
      messageId: 'TETHER-INTEGRATION-DAEMON-400-001',
    });
    await waitFor(async () => Object.keys(await api.connectors()).length === 0, { what: 'connectors stopped' });
  });

  it("refuses wrong credentials: Egeria's Java clients report the 401, pyegeria raises UserNotAuthorizedException", async () => {
    const serverName = unique('daemon');
    const [java401] = await java(serverName, [['listGroups']], 'not-the-admin-token');
    const [runtime401] = await java(serverName, [['status']], 'not-the-admin-token');
    // Egeria 4.2's RestTemplate does not read a 401's body into the bean: the clients wrap the HTTP error, whose
    // message quotes Tether's envelope (see the README).
    expect(java401).toMatchObject({
      ok: false,
      exception: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGConfigurationErrorException',
      rootCause: expect.stringContaining('HttpClientErrorException$Unauthorized: 401'),
      message: expect.stringMatching(/OMAGNotAuthorizedException.*TETHER-INTEGRATION-DAEMON-401-001/),
    });
    expect(runtime401).toMatchObject({
      ok: false,
      exception: 'org.odpi.openmetadata.frameworks.connectors.ffdc.PropertyServerException',
      rootCause: expect.stringContaining('HttpClientErrorException$Unauthorized: 401'),
      message: expect.stringMatching(/frameworks\.connectors\.ffdc\.UserNotAuthorizedException.*TETHER-INTEGRATION-DAEMON-401-001/),
    });

    const [python401] = await pyegeria(serverName, [['status']], 'not-the-admin-token');
    expect(python401).toMatchObject({ ok: false, exception: 'UserNotAuthorizedException', relatedHTTPCode: 401 });
  });

  it("Egeria's admin client reads no integration services; it and pyegeria are refused configuring one (Tether runs integration groups only)", async () => {
    const [listed, configured] = await java(unique('daemon'), [['integrationServices'], ['configureIntegrationService', 'files-integrator', tether.url, 'cocoMDS1']]);
    // RegisteredOMAGServicesResponse without `services`: Egeria's client answers null.
    expect(listed).toMatchObject({ ok: true, value: null });
    expect(configured).toMatchObject({
      ok: false,
      exception: 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGInvalidParameterException',
      httpCode: 400,
      messageId: 'TETHER-INTEGRATION-DAEMON-400-005',
    });
    const [python] = await pyegeria(unique('daemon'), [['configureIntegrationService', 'files-integrator', 'cocoMDS1', tether.url]]);
    expect(python).toMatchObject({ ok: false, exception: 'InvalidParameterException', relatedHTTPCode: 400, messageId: 'TETHER-INTEGRATION-DAEMON-400-005' });
  });

  it('pyegeria configures a group, reads its status, refreshes and restarts a connector by name, and raises InvalidParameterException for an unknown one', async () => {
    const ordersPath = `/${unique('orders')}`;
    const { serverName, qualifiedName, metadataServer, api } = await configureGroup(tether, [pollConnector('orders-poll', `${peer.url}${ordersPath}`, { refreshIntervalSeconds: 3600 })]);
    await api.removeAll().expect(200);

    const configured = await pyegeria(serverName, [['configure', qualifiedName, metadataServer, tether.url], ['listGroups']]);
    expect(configured.filter((o) => !o.ok)).toEqual([]);
    expect(configured[1]!.value).toEqual([expect.objectContaining({ integrationGroupQualifiedName: qualifiedName, omagserverName: metadataServer })]);
    await waitFor(async () => (await api.connectors())['orders-poll']?.refreshCount === 1, { what: 'orders-poll RUNNING' });

    const outcomes = await pyegeria(serverName, [['status'], ['properties', 'orders-poll'], ['refresh', 'orders-poll'], ['restart', 'orders-poll'], ['refresh', 'no-such-connector']]);
    const [status, properties, refresh, restart, unknown] = outcomes;
    expect([status, properties, refresh, restart].filter((o) => !o!.ok)).toEqual([]);
    // pyegeria's "all": a POST with a JSON content type and no body at all.
    await waitFor(async () => (await api.connectors())['orders-poll']?.restartCount === 1, { what: 'restarted by pyegeria' });
    const [refreshAll] = await pyegeria(serverName, [['refresh']]);
    expect(refreshAll).toMatchObject({ ok: true });
    expect(status!.value).toMatchObject({
      integrationGroupSummaries: [{ integrationGroupName: qualifiedName, integrationConnectorReports: [{ connectorName: 'orders-poll', connectorStatus: 'RUNNING' }] }],
    });
    expect(properties!.value).toMatchObject({ class: 'PropertiesResponse', properties: { url: `${peer.url}${ordersPath}` } });
    await waitFor(() => peer.hits(ordersPath).length >= 4, { what: 'refreshed by pyegeria (initial, refresh, restart, refresh all)' });
    expect(unknown).toMatchObject({ ok: false, exception: 'InvalidParameterException', relatedHTTPCode: 400, messageId: 'TETHER-INTEGRATION-DAEMON-400-004' });

    const cleared = await pyegeria(serverName, [['removeAllGroups'], ['listGroups']]);
    expect(cleared[0]!.ok).toBe(true);
    // pyegeria's own fallback when the response has no `groups`.
    expect(cleared[1]!.value).toBe('No Integration Group configuration found');
    await waitFor(async () => Object.keys(await api.connectors()).length === 0, { what: 'connectors stopped' });
  });
});
