import pino from 'pino';
import type { SpiRequest } from '../../src/platform/frames';
import { openPlatformLink, type PlatformLink } from '../../src/platform/link';
import type { BehaviourCall } from '../../src/contracts/behaviours';
import { hubAdmin, registerConnector, startTestHub } from '../platform/support';

/**
 * Platform user tokens are bound to what they may reach: one tenant's user must not run another tenant's
 * behaviours, read their executions' outputs through the relay, or call the SPI's connection instances directly
 * (which the `behaviours` allowlist keeps from other tenants' code). A real hub, a real WebSocket link; the
 * connector side records what reaches it — anything the hub lets through would have run.
 */

const acmeUser = { token: 'acme-user-token-0123456789', privileges: ['behaviours:acme/prod'] };
const betaUser = { token: 'beta-user-token-0123456789', privileges: ['behaviours:beta/prod'] };
const catalogUser = { token: 'catalog-user-token-0123456789', privileges: ['myconnector/*'] };
const bearer = (user: { token: string }) => ({ Authorization: `Bearer ${user.token}` });

describe('platform users act only within their own privileges', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let link: PlatformLink;
  const reached: string[] = [];

  beforeAll(async () => {
    hub = await startTestHub({ users: [acmeUser, betaUser, catalogUser] });
    await registerConnector(hub, 'plant-7', 'plant-7-secret-0123456789', ['myconnector/order_product', 'behaviours:acme/prod', 'behaviours:beta/prod']);
    const opening = await openPlatformLink({
      url: hub.connectUrl,
      connectorId: 'plant-7',
      secret: 'plant-7-secret-0123456789',
      log: pino({ level: 'silent' }),
      handler: async (request: SpiRequest) => {
        reached.push(`spi ${request.method} ${request.path}`);
        if (request.path.includes('hostile=1')) {
          // What a compromised connector might answer: a redirect, a cookie for the hub's origin, open CORS, a page.
          const headers = { Location: 'https://attacker.example/login', 'Set-Cookie': 'platform_session=attacker; Path=/', 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/html', 'X-Tether-Execution-Id': 'action/x/y/z' };
          return { status: 302, headers, body: '<script>alert(document.cookie)</script>' };
        }
        return { status: 200, body: { outputs: { seen: request.path } } };
      },
      behaviours: {
        announce: () => undefined,
        call: async (call: BehaviourCall) => {
          reached.push(`behaviour ${call.tenant}/${call.environment}/${call.name}`);
          return { status: 200, body: { output: 'ran', version: 'v1' } };
        },
      },
    });
    if (!opening.ok) throw new Error(`link refused: ${JSON.stringify(opening)}`);
    link = opening.link;
  });
  afterAll(async () => {
    await link.close();
    await hub.close();
  });
  beforeEach(() => {
    reached.length = 0;
  });

  const post = (path: string, headers: Record<string, string>, body: unknown = {}) =>
    fetch(`${hub.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string>) => fetch(`${hub.url}${path}`, { headers });
  const executionPath = (id: string) => `/connectors/plant-7/rcf/executions/${encodeURIComponent(id)}`;

  it("refuses beta's token acme's behaviours, and runs its own", async () => {
    const other = await post('/connectors/plant-7/behaviours/acme/prod/greet', bearer(betaUser), { input: {} });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe('These credentials have no privilege behaviours:acme/prod');
    const own = await post('/connectors/plant-7/behaviours/beta/prod/greet', bearer(betaUser), { input: {} });
    expect(own.status).toBe(200);
    expect(reached).toEqual(['behaviour beta/prod/greet']);
  });

  it("refuses a tenant's token another tenant's execution status, whatever the spelling of the id", async () => {
    for (const path of [
      executionPath('behaviour/acme/prod/greet/key-order-1'),
      `/connectors/plant-7/rcf/executions/behaviour/acme/prod/greet/key-order-1`,
      `/connectors/plant-7/rcf/executions/behaviour%2facme%2Fprod%2Fgreet%2Fkey-order-1`,
      `/connectors/plant-7/rcf/executions/%62ehaviour%2Facme%2Fprod%2Fgreet%2Fkey-order-1`,
    ]) {
      expect({ path, status: (await get(path, bearer(betaUser))).status }).toEqual({ path, status: 403 });
    }
    expect((await get(executionPath('behaviour/beta/prod/greet/key-order-1'), bearer(betaUser))).status).toBe(200);
    expect(reached).toEqual(['spi GET /rcf/executions/behaviour%2Fbeta%2Fprod%2Fgreet%2Fkey-order-1']);
  });

  it("refuses a tenant's token the SPI (actions, action executions), which the connector's privileges alone allowed", async () => {
    expect((await post('/connectors/plant-7/myconnector/order_product', bearer(acmeUser), { connectionInstanceId: 'PROD', inputs: {} })).status).toBe(403);
    expect((await get(executionPath('action/myconnector/order_product/key-1'), bearer(acmeUser))).status).toBe(403);
    expect(reached).toEqual([]);
    expect((await post('/connectors/plant-7/myconnector/order_product', bearer(catalogUser), { connectionInstanceId: 'PROD', inputs: {} })).status).toBe(200);
    expect((await get('/connectors/plant-7/rcf/descriptor', bearer(acmeUser))).status).toBe(200);
  });

  it("refuses execution status outside the connector's privileges, even to the hub admin", async () => {
    // The connector may serve order_product only: another action's (or a daemon run's) status is not the platform's to read.
    for (const id of ['action/http/request/key-1', 'action/myconnector/cancel/key-1', 'daemon/server1', 'behaviour/gamma/prod/greet/key-1']) {
      expect({ id, status: (await get(executionPath(id), hubAdmin)).status }).toEqual({ id, status: 403 });
    }
    expect((await get(executionPath('action/myconnector/order_product/key-1'), hubAdmin)).status).toBe(200);
    expect((await get(executionPath('health/myconnector/PROD/key-1'), hubAdmin)).status).toBe(200);
    expect(reached).toEqual(['spi GET /rcf/executions/action%2Fmyconnector%2Forder_product%2Fkey-1', 'spi GET /rcf/executions/health%2Fmyconnector%2FPROD%2Fkey-1']);
  });

  it("passes on only the connector's answer headers the SPI uses: no redirect target, cookie, CORS or HTML on the hub's origin", async () => {
    const response = await fetch(`${hub.url}/connectors/plant-7/myconnector/order_product?hostile=1`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...hubAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId: 'PROD', inputs: {} }),
    });
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-tether-execution-id')).toBe('action/x/y/z');
  });
});
