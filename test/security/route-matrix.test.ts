import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Router from '@koa/router';
import type { Route } from '../../src/api/route';
import { apiRoutes, createApiRouter } from '../../src/api/routers';
import { issueCodecSession } from '../../src/api/codec-session';
import { apiPolicies } from '../../src/api/auth';
import { allowedMethods, buildRouter } from '../../src/api/route';
import { hubAuthentication, hubPolicies } from '../../src/platform/auth';
import { BehaviourStore } from '../../src/platform/behaviour-store';
import { CredentialStore } from '../../src/platform/credential-store';
import { hubRoutes } from '../../src/platform/hub';
import { HubMetrics } from '../../src/platform/hub-metrics';
import { Relay } from '../../src/platform/relay';
import { hubAdminToken, hubUserToken, startTestHub } from '../platform/support';
import { apiDepsOf, startTestTether, testCredentials, type TestTether } from '../support/tether';
import { rawRequest } from './support';

/**
 * Every route of both servers, taken from the route tables their routers are built from, crossed with every
 * kind of credential and many spellings of its path. The oracle: a non-canonical spelling is refused (400);
 * otherwise the route the router itself matches decides, and a caller its policy does not admit gets 401
 * (nothing or wrong credentials) or 403 (someone else's) — never a 2xx, never the handler. A new route is
 * covered by being in a table.
 */

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Every kind of caller, and who each one is to the API and to the hub (an independent statement of the credential model). */
const callers: Array<{ kind: string; headers: Record<string, string>; api: string; hub: string }> = [
  { kind: 'none', headers: {}, api: 'none', hub: 'none' },
  { kind: 'wrong Bearer', headers: { authorization: 'Bearer not-a-token' }, api: 'invalid', hub: 'invalid' },
  { kind: 'wrong Basic', headers: { authorization: basic('catalog', 'wrong') }, api: 'invalid', hub: 'invalid' },
  { kind: 'garbage scheme', headers: { authorization: 'Digest x' }, api: 'invalid', hub: 'invalid' },
  { kind: 'SPI Basic', headers: { authorization: basic(testCredentials.spiUser!, testCredentials.spiPassword!) }, api: 'spi', hub: 'invalid' },
  { kind: 'SPI Bearer', headers: { authorization: `Bearer ${testCredentials.spiToken}` }, api: 'spi', hub: 'invalid' },
  { kind: 'admin', headers: { authorization: `Bearer ${testCredentials.adminToken}` }, api: 'admin', hub: 'invalid' },
  { kind: 'admin token as Basic password', headers: { authorization: basic('anyone', testCredentials.adminToken) }, api: 'admin-password', hub: 'invalid' },
  { kind: 'codec session cookie', headers: { cookie: `tether_codec_session=${issueCodecSession(testCredentials.adminToken)}` }, api: 'codec-session', hub: 'none' },
  { kind: 'hub admin', headers: { authorization: `Bearer ${hubAdminToken}` }, api: 'invalid', hub: 'hub-admin' },
  { kind: 'platform user', headers: { authorization: `Bearer ${hubUserToken}` }, api: 'invalid', hub: 'platform-user' },
];

/** A concrete path of a route: parameters filled with plausible values. */
function concretePath(path: string): string {
  return path.replace(/\*\w+/g, 'rcf/descriptor').replace(/:(\w+)/g, (_, name: string) => `sample-${name.toLowerCase()}`);
}

/** Spellings of a path; `canonical: false` ones must be refused before any route sees them. */
function spellings(path: string): Array<{ spelling: string; path: string; canonical: boolean }> {
  const segments = path.split('/').slice(1);
  const first = segments[0]!;
  const rest = segments.slice(1).join('/');
  const tail = rest ? `/${rest}` : '';
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return [
    { spelling: 'as declared', path, canonical: true },
    { spelling: 'trailing slash', path: `${path}/`, canonical: true },
    { spelling: 'upper case', path: path.toUpperCase(), canonical: true },
    { spelling: 'first letter upper case', path: `/${first[0]!.toUpperCase()}${first.slice(1)}${tail}`, canonical: true },
    { spelling: 'percent-encoded letter', path: `/${hex(first[0]!)}${first.slice(1)}${tail}`, canonical: true },
    { spelling: 'percent-encoded upper-case hex letter', path: `/${hex(first[0]!).toUpperCase()}${first.slice(1)}${tail}`, canonical: true },
    { spelling: 'percent-encoded slash', path: rest ? `/${first}%2F${rest}` : `/${first}%2F`, canonical: true },
    { spelling: 'leading double slash', path: `/${path}`, canonical: false },
    { spelling: 'inner double slash', path: `/${first}/${tail || '/'}`, canonical: false },
    { spelling: 'trailing double slash', path: `${path}//`, canonical: false },
    { spelling: 'dot segment', path: `/${first}/.${tail}`, canonical: false },
    { spelling: 'dot-dot segment', path: `/x/..${path}`, canonical: false },
    { spelling: 'encoded dot-dot segment', path: `/x/%2e%2E${path}`, canonical: false },
    { spelling: 'encoded dot segment', path: `/${first}/%2E${tail}`, canonical: false },
  ];
}

interface Server {
  name: string;
  url: string;
  routes: readonly Route[];
  router: Router;
  policies: Record<string, readonly string[]>;
  principalOf: (caller: (typeof callers)[number]) => string;
}

interface Outcome {
  tried: number;
  skippedAdmitted: number;
  failures: string[];
}

async function sweep(server: Server): Promise<Outcome> {
  // The router serves exactly the table, in order: the table is what the router was built from.
  const layers = server.router.stack.filter((layer) => layer.methods.length > 0);
  const served = layers.map((layer) => `${layer.methods.filter((m) => m !== 'HEAD').join(',')} ${layer.path}`);
  expect(served).toEqual(server.routes.map((route) => `${route.method.toUpperCase()} ${route.path}`));
  const outcome: Outcome = { tried: 0, skippedAdmitted: 0, failures: [] };
  const requests: Array<() => Promise<void>> = [];
  for (const route of server.routes) {
    const method = route.method.toUpperCase();
    for (const { spelling, path, canonical } of spellings(concretePath(route.path))) {
      // Which route the router itself picks for this spelling, if any: its declaration decides. A method the
      // path's most specific routes lack is refused (405) before any route runs.
      const match = server.router.match(path.split('?')[0]!, method);
      const allow = allowedMethods(match.path);
      const matched = canonical && (allow.length === 0 || allow.includes(method)) ? match.pathAndMethod.find((layer) => layer.methods.length > 0) : undefined;
      const decider = matched ? server.routes[layers.indexOf(matched)] : undefined;
      for (const caller of callers) {
        const principal = server.principalOf(caller);
        if (decider && (decider.auth === 'public' || server.policies[decider.auth]!.includes(principal))) {
          outcome.skippedAdmitted++;
          continue;
        }
        // With no route for this method: 404, or 405 naming the methods that exist.
        const unmatched = allow.length > 0 ? [405] : [404];
        const expected = !canonical ? [400] : !decider ? unmatched : principal === 'none' || principal === 'invalid' ? [401] : [403];
        requests.push(async () => {
          const response = await rawRequest(server.url, method, path, caller.headers, method === 'POST' || method === 'PUT' ? '{}' : undefined);
          outcome.tried++;
          if (!expected.includes(response.status)) {
            outcome.failures.push(
              `${server.name} ${method} ${path} (${route.method} ${route.path}, ${spelling}) as ${caller.kind}: ${response.status}, expected ${expected.join('/')}: ${response.text.slice(0, 120)}`,
            );
          }
        });
      }
    }
  }
  // A few at a time: the machine is shared.
  for (let i = 0; i < requests.length; i += 8) await Promise.all(requests.slice(i, i + 8).map((send) => send()));
  return outcome;
}

describe('every route × every credential × every path spelling', () => {
  let tether: TestTether;
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeAll(async () => {
    tether = await startTestTether({ worker: false });
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.close();
    await tether.stop();
  });

  it('admits only the callers each matched route declares, on the API and on the hub', async () => {
    const deps = apiDepsOf(tether);
    const routes = apiRoutes(deps);
    const api: Server = {
      name: 'API',
      url: tether.url,
      routes: routes as readonly Route[],
      router: createApiRouter(deps, routes),
      policies: apiPolicies,
      principalOf: (caller) => caller.api,
    };
    const hubDataDir = mkdtempSync(join(tmpdir(), 'tether-hub-matrix-'));
    const store = await CredentialStore.open(hubDataDir);
    const hubTable = hubRoutes(store, await BehaviourStore.open(hubDataDir), new Relay(), new HubMetrics(), 1_000);
    const hubServer: Server = {
      name: 'hub',
      url: hub.url,
      routes: hubTable as readonly Route[],
      router: buildRouter(hubTable, hubAuthentication({ adminToken: hubAdminToken, users: [{ token: hubUserToken, privileges: ['*'] }] }), { bodyLimitBytes: 1_048_576 }),
      policies: hubPolicies,
      principalOf: (caller) => caller.hub,
    };
    const results = [await sweep(api), await sweep(hubServer)];
    const tried = results.reduce((sum, r) => sum + r.tried, 0);
    const skipped = results.reduce((sum, r) => sum + r.skippedAdmitted, 0);
    console.log(
      `route matrix: ${api.routes.length} API routes and ${hubServer.routes.length} hub routes × ${callers.length} callers × ${spellings('/a/b').length} spellings: ` +
        `${tried} requests sent (API ${results[0]!.tried}, hub ${results[1]!.tried}), ${skipped} combinations skipped because the matched route admits the caller`,
    );
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(tried).toBeGreaterThan(1_000);
  });
});
