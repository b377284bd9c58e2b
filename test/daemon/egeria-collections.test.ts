/**
 * Conformance with Egeria's own request collections: every request of the integration daemon's collections
 * (Egeria-integration-daemon-services.http / .postman_collection.json), of the admin services' collection for
 * integration daemons and of Egeria's admin guide for integration groups, as recorded in
 * test/egeria-clients/collections.json (derived from those files, with the answer each expects derived from Egeria's
 * Spring resource classes), sent over real HTTP to a real Tether with the credentials an Egeria client sends (HTTP
 * Basic: its user id, the admin token as password). Requests Tether serves must answer their Egeria class with
 * relatedHTTPCode 200 and do what they say; those it deliberately does not serve must answer as Egeria documents for
 * a service a server does not run. Every request is also tried with a wrong password and with other spellings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCredentials, type TestTether } from '../support/tether';
import { daemonApi, pollConnector, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

interface FixtureRequest {
  name: string;
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
  responseClass?: string;
  effect?: string;
  /** false: an operation Egeria 5 does not map (see the fixture's egeria5Form). */
  inEgeria5?: boolean;
}
interface ExpectedAnswer {
  responseClass?: string;
  relatedHTTPCode?: number;
  exceptionClassName?: string;
  exceptionErrorMessageId?: string;
  parameterName?: string;
  absent?: string[];
  httpStatus?: number;
}
type NotServedRequest = FixtureRequest & { reason: string; answer: ExpectedAnswer };

const collections = JSON.parse(readFileSync(join(__dirname, '..', 'egeria-clients', 'collections.json'), 'utf8')) as { served: FixtureRequest[]; notServed: NotServedRequest[] };
const { served, notServed } = collections;

/** The order the served requests run in: configure, read, steer, then remove (each effect is checked as it happens). */
const effectOrder = ['configure-group', 'configure-all', 'list-groups', 'status', 'validate', 'refresh-all', 'refresh-named', 'restart-all', 'restart-named', 'remove-group', 'remove-all'];

const userId = 'erinoverview';
const adminUserId = 'garygeeke';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces each {{variable}}; a variable the test does not bind fails the test (the fixture gained one). */
function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`The fixture uses {{${name}}}, which the test does not bind`);
    return value;
  });
}

interface Sent {
  status: number;
  body: Record<string, unknown>;
}

/** One request as an Egeria client sends it: HTTP Basic with its user id, a body only when the source has one. */
async function send(
  request: FixtureRequest,
  variables: Record<string, string>,
  options: { password?: string; bearer?: boolean; path?: (path: string) => string; rawBody?: string } = {},
): Promise<Sent> {
  const url = new URL(substitute(request.path, variables));
  const path = options.path ? options.path(url.pathname) : url.pathname;
  const user = request.path.includes('{{adminUserId}}') ? adminUserId : userId;
  const password = options.password ?? testCredentials.adminToken;
  // Egeria 4's clients send HTTP Basic (connectionUserId / connectionPassword); Egeria 5's resources declare a Bearer token.
  const headers: Record<string, string> = { authorization: options.bearer ? `Bearer ${password}` : basic(user, password) };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers['content-type'] = request.contentType ?? 'application/json';
    body = options.rawBody ?? substitute(JSON.stringify(request.body), variables);
  }
  const response = await fetch(`${url.origin}${path}${url.search}`, { method: request.method, headers, body });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${request.method} ${path} answered ${response.status} with no JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed };
}

/**
 * The request in Egeria 5's path form (the fixture's egeria5Form): no user id in the path, the caller's id as
 * ?delegatingUserId= on the runtime paths.
 */
function egeria5Form(request: FixtureRequest): FixtureRequest {
  const admin = request.path.replace('/open-metadata/admin-services/users/{{adminUserId}}/servers/', '/open-metadata/admin-services/servers/');
  const path = admin !== request.path ? admin : request.path.replace(/\/open-metadata\/([^/]+)\/users\/\{\{user\}\}\//, '/open-metadata/$1/') + '?delegatingUserId={{user}}';
  if (!path.includes('/users/') && path !== request.path) return { ...request, path };
  throw new Error(`No Egeria 5 form for ${request.path}`);
}

const label = (request: FixtureRequest) => `${request.method} ${request.name} (${request.path})`;

describe("Egeria's request collections against a real Tether", () => {
  let tether: TestTether;
  let peer: Peer;
  beforeAll(async () => {
    [tether, peer] = await Promise.all([startDaemonTether(), startPeer()]);
  });
  afterAll(async () => {
    await tether?.stop();
    await peer?.close();
  });

  /** The collections' variables, bound to this Tether and one daemon server. */
  const bindings = (serverName: string, extra: Record<string, string> = {}) => ({
    baseURL: tether.url,
    platformURLRoot: tether.url,
    intDaemon: serverName,
    server: serverName,
    serverName,
    user: userId,
    adminUserId,
    serviceURLName: 'integration-daemon',
    connectorProfileClassName: 'tether.http-poll',
    mdrServerName: 'cocoMDS1',
    ...extra,
  });

  it.each([
    ['as recorded (4.x path forms, HTTP Basic)', '4'],
    ["in Egeria 5's path forms (Bearer token)", '5'],
  ] as const)('answers every served request %s with its Egeria class and relatedHTTPCode 200, with the effect the request names', async (_, form) => {
    expect(served.map((request) => request.effect).filter((effect) => !effectOrder.includes(effect!))).toEqual([]);
    const serverName = unique('daemon');
    const [metadataServer, group, other] = [unique('md'), unique('sales.sync'), unique('stock.sync')];
    const [ordersPath, stockPath] = [`/${unique('orders')}`, `/${unique('stock')}`];
    const api = daemonApi(tether, serverName);
    await api
      .putDefinition(metadataServer, group, {
        connectors: [
          pollConnector('orders-poll', `${peer.url}${ordersPath}`, { refreshIntervalSeconds: 3600 }),
          pollConnector('stock-poll', `${peer.url}${stockPath}`, { refreshIntervalSeconds: 3600 }),
        ],
      })
      .expect(201);
    await api.putDefinition(metadataServer, other, { connectors: [] }).expect(201);
    const variables = bindings(serverName, {
      connectorName: 'orders-poll',
      MDServerURLRoot: tether.url,
      MDServerName: metadataServer,
      qualifiedName: group,
      otherQualifiedName: other,
    });

    const configured = async () => ((await api.configuration().expect(200)).body.groups ?? []).map((g: { integrationGroupQualifiedName: string }) => g.integrationGroupQualifiedName).sort();
    const hits = () => ({ orders: peer.hits(ordersPath).length, stock: peer.hits(stockPath).length });
    const restarts = async () => {
      const connectors = await api.connectors();
      return { orders: connectors['orders-poll']?.restartCount ?? -1, stock: connectors['stock-poll']?.restartCount ?? -1 };
    };
    /** A named connector was refreshed (or restarted) and the other not: give a wrongly signalled one time to show. */
    const onlyOrders = async (read: () => Promise<{ orders: number; stock: number }> | { orders: number; stock: number }, before: { orders: number; stock: number }, what: string) => {
      await waitFor(async () => (await read()).orders > before.orders, { what });
      await sleep(1_000);
      expect((await read()).stock).toBe(before.stock);
    };

    const ordered = [...served].sort((a, b) => effectOrder.indexOf(a.effect!) - effectOrder.indexOf(b.effect!));
    for (const recorded of ordered) {
      if (form === '5' && recorded.inEgeria5 === false) {
        // Not in Egeria 5: no route in that form either.
        expect((await send({ ...recorded, path: recorded.path.replace('/users/{{user}}', '') }, variables, { bearer: true })).status).toBe(404);
        continue;
      }
      const request = form === '5' ? egeria5Form(recorded) : recorded;
      const [hitsBefore, restartsBefore] = [hits(), request.effect!.startsWith('restart') ? await restarts() : undefined];
      const { status, body } = await send(request, variables, { bearer: form === '5' });
      expect({ request: label(request), status, class: body.class, relatedHTTPCode: body.relatedHTTPCode, exception: body.exceptionErrorMessage }).toEqual({
        request: label(request),
        status: 200,
        class: request.responseClass,
        relatedHTTPCode: 200,
        exception: undefined,
      });

      switch (request.effect) {
        case 'configure-group':
          expect(await configured()).toEqual([group]);
          break;
        case 'configure-all':
          expect(await configured()).toEqual([group, other].sort());
          // Both connectors of the group running before the runtime requests.
          await waitFor(async () => Object.values(await api.connectors()).filter((c) => c.connectorStatus === 'RUNNING').length === 2, { what: 'both connectors RUNNING' });
          break;
        case 'list-groups':
          expect(((body.groups as Array<{ integrationGroupQualifiedName: string }>) ?? []).map((g) => g.integrationGroupQualifiedName).sort()).toEqual([group, other].sort());
          break;
        case 'status': {
          const summaries = (body.integrationDaemonStatus as { integrationGroupSummaries: Array<{ integrationGroupName: string; integrationConnectorReports?: Array<{ connectorName: string; connectorStatus: string }> }> })
            .integrationGroupSummaries;
          const reports = summaries.find((summary) => summary.integrationGroupName === group)?.integrationConnectorReports ?? [];
          expect(reports.map((report) => [report.connectorName, report.connectorStatus]).sort()).toEqual([
            ['orders-poll', 'RUNNING'],
            ['stock-poll', 'RUNNING'],
          ]);
          expect(summaries.map((summary) => summary.integrationGroupName).sort()).toEqual([group, other].sort());
          break;
        }
        case 'validate':
          expect(body.connectorReport).toMatchObject({ connectorType: { connectorProviderClassName: 'tether.http-poll' } });
          break;
        case 'refresh-all':
          await waitFor(() => hits().orders > hitsBefore.orders && hits().stock > hitsBefore.stock, { what: `${request.name}: both connectors refreshed` });
          break;
        case 'refresh-named':
          await onlyOrders(hits, hitsBefore, `${request.name}: orders-poll refreshed`);
          break;
        case 'restart-all':
          await waitFor(async () => {
            const now = await restarts();
            return now.orders > restartsBefore!.orders && now.stock > restartsBefore!.stock;
          }, { what: `${request.name}: both connectors restarted` });
          break;
        case 'restart-named':
          await onlyOrders(restarts, restartsBefore!, `${request.name}: orders-poll restarted`);
          break;
        case 'remove-group':
          expect(await configured()).toEqual([other]);
          await waitFor(async () => Object.keys(await api.connectors()).length === 0, { what: 'the removed group\'s connectors stopped' });
          break;
        case 'remove-all':
          expect(await configured()).toEqual([]);
          break;
      }
    }
  });

  it('answers the requests it does not serve as Egeria answers for a service the server does not run', async () => {
    const variables = bindings(unique('daemon'));
    for (const request of notServed) {
      const { status, body } = await send(request, variables);
      const { answer } = request;
      if (answer.httpStatus !== undefined) {
        expect({ request: label(request), status, body }).toEqual({ request: label(request), status: answer.httpStatus, body: { error: expect.objectContaining({ code: 'NOT_FOUND' }) } });
        continue;
      }
      expect({ request: label(request), status, body }).toEqual({
        request: label(request),
        status: 200,
        body: expect.objectContaining({
          class: answer.responseClass,
          relatedHTTPCode: answer.relatedHTTPCode,
          ...(answer.exceptionClassName === undefined
            ? {}
            : {
                exceptionClassName: answer.exceptionClassName,
                exceptionErrorMessageId: answer.exceptionErrorMessageId,
                exceptionErrorMessage: expect.stringMatching(new RegExp(`^${answer.exceptionErrorMessageId} `)),
                exceptionProperties: expect.objectContaining({ parameterName: answer.parameterName }),
              }),
        }),
      });
      for (const property of answer.absent ?? []) expect(body).not.toHaveProperty(property);
      if (answer.exceptionClassName === undefined) expect(body).not.toHaveProperty('exceptionClassName');
    }
  });

  it('refuses every request with a wrong password (Egeria envelope, 401, nothing done) or with the placeholders as documented, answers a trailing slash as the path itself and other letter case 404', async () => {
    const serverName = unique('daemon');
    const { serverName: configuredServer, ordersPath, api } = await (async () => {
      // A running connector, to show that refused refresh and restart requests reach nothing.
      const name = unique('daemon');
      const path = `/${unique('orders')}`;
      const server = daemonApi(tether, name);
      const metadataServer = unique('md');
      const group = unique('group');
      await server.putDefinition(metadataServer, group, { connectors: [pollConnector('orders-poll', `${peer.url}${path}`, { refreshIntervalSeconds: 3600 })] }).expect(201);
      await server.configure(server.groupConfig(group, metadataServer)).expect(200);
      await waitFor(() => peer.hits(path).length === 1, { what: 'orders-poll refreshed once' });
      return { serverName: name, ordersPath: path, api: server };
    })();
    const variables = bindings(configuredServer, { connectorName: 'orders-poll', MDServerURLRoot: tether.url, MDServerName: 'md', qualifiedName: 'sales.sync', otherQualifiedName: 'stock.sync' });
    const everything: Array<FixtureRequest & { answer?: ExpectedAnswer }> = [...served, ...notServed];
    const routed = (request: FixtureRequest & { answer?: ExpectedAnswer }) => request.answer?.httpStatus === undefined;
    const classOf = (request: FixtureRequest & { answer?: ExpectedAnswer }) => request.responseClass ?? request.answer?.responseClass;

    for (const request of everything) {
      for (const [spelling, path] of [
        ['as recorded', (p: string) => p],
        ['trailing slash', (p: string) => `${p}/`],
      ] as const) {
        const refused = await send(request, variables, { password: 'not-the-admin-token', path });
        const what = `${label(request)}, ${spelling}, wrong password`;
        if (!routed(request)) {
          expect({ what, status: refused.status }).toEqual({ what, status: 404 });
          continue;
        }
        expect({ what, status: refused.status, body: refused.body }).toEqual({
          what,
          status: 401,
          body: expect.objectContaining({
            class: classOf(request),
            relatedHTTPCode: 401,
            exceptionClassName: expect.stringMatching(/\.(UserNotAuthorizedException|OMAGNotAuthorizedException)$/),
            exceptionErrorMessageId: 'TETHER-INTEGRATION-DAEMON-401-001',
          }),
        });
      }
      // Letter case: paths are case-sensitive (as Spring's are), so no route answers, whatever the credentials.
      for (const password of [testCredentials.adminToken, 'not-the-admin-token']) {
        const upper = await send(request, variables, { password, path: (p) => p.toUpperCase() });
        expect({ what: `${label(request)} upper case`, status: upper.status, code: (upper.body.error as { code?: string } | undefined)?.code }).toEqual({
          what: `${label(request)} upper case`,
          status: 404,
          code: 'NOT_FOUND',
        });
      }
    }
    // The collections' bodies name "connectorName goes here": sent unchanged, Egeria's unknown-name answer, nothing refreshed.
    for (const request of served.filter((r) => r.effect === 'refresh-named' || r.effect === 'restart-named')) {
      const unchanged = await send(request, { ...variables, connectorName: 'connectorName goes here' });
      expect({ request: label(request), ...unchanged }).toEqual({
        request: label(request),
        status: 200,
        body: expect.objectContaining({
          class: 'VoidResponse',
          relatedHTTPCode: 400,
          exceptionClassName: 'org.odpi.openmetadata.frameworks.connectors.ffdc.InvalidParameterException',
          exceptionErrorMessageId: 'TETHER-INTEGRATION-DAEMON-400-004',
          exceptionProperties: expect.objectContaining({ parameterName: 'name' }),
        }),
      });
    }
    // None of the refused refresh and restart requests reached the connector.
    await sleep(1_000);
    expect(peer.hits(ordersPath)).toHaveLength(1);
    expect((await api.connectors())['orders-poll']).toMatchObject({ restartCount: 0, refreshCount: 1 });

    // A trailing slash with the right password is the same request (reads only: Tether tolerates one trailing slash).
    for (const request of everything.filter((r) => r.method === 'GET' && routed(r))) {
      const [plain, slashed] = [await send(request, variables), await send(request, variables, { path: (p) => `${p}/` })];
      expect({ request: label(request), status: slashed.status, class: slashed.body.class, code: slashed.body.relatedHTTPCode }).toEqual({
        request: label(request),
        status: plain.status,
        class: plain.body.class,
        code: plain.body.relatedHTTPCode,
      });
    }

    // Egeria's guide shows the configure-all body with a trailing comma: malformed JSON, refused in the envelope, nothing changed.
    const configureAll = served.find((r) => r.effect === 'configure-all')!;
    const documentedVariables = bindings(serverName, { MDServerURLRoot: tether.url, MDServerName: 'md', qualifiedName: 'a', otherQualifiedName: 'b' });
    const asDocumented = substitute(JSON.stringify(configureAll.body), documentedVariables).replace(/\}\]$/, '},]');
    const malformed = await send(configureAll, documentedVariables, { rawBody: asDocumented });
    expect(malformed).toEqual({
      status: 200,
      body: expect.objectContaining({ class: 'VoidResponse', relatedHTTPCode: 400, exceptionErrorMessageId: 'TETHER-INTEGRATION-DAEMON-400-002' }),
    });
    expect((await daemonApi(tether, serverName).configuration().expect(200)).body.groups).toBeUndefined();
  });
});
