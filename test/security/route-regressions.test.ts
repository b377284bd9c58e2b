import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpiRequest } from '../../src/platform/frames';
import { connect, echoHandler, hubAdmin, listConnectors, registerConnector, startTestHub } from '../platform/support';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';
import { rawRequest } from './support';

/** Issue #10, routing half: each finding as an attacker would try it, against a real API and a real hub. */

const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('API: deny by default on every spelling', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({ worker: false });
  });
  afterAll(() => tether.stop());

  it('does not list executions at /ADMIN/executions (or any other case) without credentials', async () => {
    for (const path of ['/ADMIN/executions', '/Admin/executions', '/admin/EXECUTIONS', '/%61dmin/executions']) {
      const response = await rawRequest(tether.url, 'GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: expect.not.stringMatching(/^2/) });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.text).not.toContain('"executions"');
    }
    expect((await rawRequest(tether.url, 'GET', '/admin/executions')).status).toBe(401);
  });

  it('never reaches replay through another spelling without credentials', async () => {
    const response = await rawRequest(tether.url, 'POST', '/ADMIN/executions/some-id/replay');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text).error.message).toBe('No route for POST /ADMIN/executions/some-id/replay');
    expect((await rawRequest(tether.url, 'POST', '/admin/executions/some-id/replay')).status).toBe(401);
  });

  it('refuses dot segments and doubled slashes before any route sees them', async () => {
    for (const path of ['/x/../admin/executions', '/admin/./executions', '/x/%2e%2e/admin/executions', '//admin/executions']) {
      const response = await rawRequest(tether.url, 'GET', path, adminAuth);
      expect({ path, status: response.status, code: JSON.parse(response.text).error.code }).toEqual({ path, status: 400, code: 'NON_CANONICAL_PATH' });
    }
  });

  it('answers TRACE (and any method a path lacks) with 405 and Allow, never 501', async () => {
    const trace = await rawRequest(tether.url, 'TRACE', '/metrics');
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('HEAD, GET');
    expect(JSON.parse(trace.text).error.code).toBe('METHOD_NOT_ALLOWED');
    const patch = await rawRequest(tether.url, 'PATCH', '/admin/executions/some-id', adminAuth);
    expect(patch.status).toBe(405);
    expect(patch.headers.allow).toBe('HEAD, GET');
    // The SPI's POST /{connector}/{action} matches /health/live too, but the more specific health route owns it.
    const post = await rawRequest(tether.url, 'POST', '/health/live', spiAuth);
    expect({ status: post.status, allow: post.headers.allow }).toEqual({ status: 405, allow: 'HEAD, GET' });
  });

  it('refuses JSON nested deeper than 64 levels with 400 before the handler, not 500', async () => {
    const headers = { ...spiAuth, 'content-type': 'application/json' };
    for (const depth of [65, 5_000, 100_000]) {
      const response = await rawRequest(tether.url, 'POST', '/myconnector/order_product', headers, `{"inputs":${deepJson(depth)}}`);
      expect({ depth, status: response.status, code: JSON.parse(response.text).error.code }).toEqual({ depth, status: 400, code: 'JSON_TOO_DEEP' });
    }
    // Brackets inside strings are text, not nesting.
    const inString = await rawRequest(tether.url, 'POST', '/myconnector/order_product', headers, JSON.stringify({ inputs: { recipient: '['.repeat(1_000) } }));
    expect(JSON.parse(inString.text).error?.code).not.toBe('JSON_TOO_DEEP');
    // On Egeria's paths, in Egeria's envelope.
    const egeria = await rawRequest(tether.url, 'POST', '/open-metadata/admin-services/servers/s1/integration-groups/configuration', { ...adminAuth, 'content-type': 'application/json' }, deepJson(5_000));
    expect(egeria.status).toBe(200);
    expect(JSON.parse(egeria.text)).toMatchObject({ class: 'VoidResponse', relatedHTTPCode: 400, exceptionErrorMessage: expect.stringContaining('deeper than 64') });
  });

  it('keeps a caller X-Request-Id only when it is a short plain token (it is echoed and logged), else answers with its own', async () => {
    const plain = await rawRequest(tether.url, 'GET', '/health/live', { 'x-request-id': 'catalog-req.42:a' });
    expect(plain.headers['x-request-id']).toBe('catalog-req.42:a');
    for (const given of ['x'.repeat(129), 'a b', 'id"},"level":60', '\u00e9t\u00e9']) {
      const response = await rawRequest(tether.url, 'GET', '/health/live', { 'x-request-id': given });
      expect({ given, echoed: response.headers['x-request-id'] }).toEqual({ given, echoed: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
  });

  it('bounds path parameters at the edge: a 1,200-character server name is refused naming serverName, not a 500', async () => {
    const name = 's'.repeat(1_200);
    // Egeria's paths answer HTTP 200 with the error in the envelope (as Egeria does); server names are at most 128 bytes.
    const status = await rawRequest(tether.url, 'GET', `/servers/${name}/open-metadata/integration-daemon/status`, adminAuth);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.text)).toMatchObject({ class: 'IntegrationDaemonStatusResponse', relatedHTTPCode: 400, exceptionProperties: { parameterName: 'serverName' }, exceptionErrorMessage: expect.stringContaining('serverName must be at most 128 bytes') });
    const execution = await rawRequest(tether.url, 'GET', `/admin/executions/${'e'.repeat(1_200)}`, adminAuth);
    expect(execution.status).toBe(400);
    expect(JSON.parse(execution.text).error.details).toEqual({ executionId: ['must be at most 256 characters'] });
  });
});

describe('hub: deny by default on every spelling', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(() => hub.close());

  it('does not let an unauthenticated PUT /ADMIN/connectors/{id} re-register a connector and steal its calls', async () => {
    await registerConnector(hub, 'victim', 'the-real-secret-0123', ['*']);
    const seen: SpiRequest[] = [];
    const real = await connect(hub, 'victim', 'the-real-secret-0123', async (request) => (seen.push(request), echoHandler(request)));
    expect(real.opening.ok).toBe(true);
    const [before] = await listConnectors(hub);

    for (const path of ['/ADMIN/connectors/victim', '/Admin/connectors/victim', '/%61dmin/connectors/victim', '/admin/connectors/victim/']) {
      const attempt = await rawRequest(hub.url, 'PUT', path, { 'content-type': 'application/json' }, JSON.stringify({ secret: 'attacker-secret-0123', privileges: ['*'] }));
      expect({ path, refused: attempt.status >= 400 && attempt.status < 500 }).toEqual({ path, refused: true });
    }
    // The registration is untouched, the real connector still connected, and the attacker's secret opens nothing.
    expect(await listConnectors(hub)).toEqual([before]);
    const attacker = await connect(hub, 'victim', 'attacker-secret-0123');
    expect(attacker.opening).toMatchObject({ ok: false, end: { kind: 'refused' } });
    const relayed = await fetch(`${hub.url}/connectors/victim/rcf/health`, { headers: hubAdmin });
    expect(relayed.status).toBe(200);
    expect(relayed.headers.get('x-tether-connection-id')).toBe(real.link.connectionId);
    real.link.close();
  });

  it('does not relay /CONNECTORS/{id}/… (any spelling) without credentials', async () => {
    await registerConnector(hub, 'plant', 'the-real-secret-0123', ['*']);
    const seen: SpiRequest[] = [];
    const real = await connect(hub, 'plant', 'the-real-secret-0123', async (request) => (seen.push(request), echoHandler(request)));
    for (const [method, path] of [
      ['GET', '/CONNECTORS/plant/rcf/health'],
      ['GET', '/Connectors/plant/rcf/descriptor'],
      ['POST', '/CONNECTORS/plant/myconnector/order_product'],
      ['GET', '/connectors/plant/rcf/health'],
      ['GET', '/%63onnectors/plant/rcf/health'],
      ['GET', '/x/../connectors/plant/rcf/health'],
    ] as const) {
      const response = await rawRequest(hub.url, method, path);
      expect({ path, refused: response.status >= 400 && response.status < 500 }).toEqual({ path, refused: true });
    }
    expect(seen).toEqual([]);
    real.link.close();
  });

  it('answers TRACE with 405 and refuses deep JSON with 400', async () => {
    const trace = await rawRequest(hub.url, 'TRACE', '/admin/connectors', hubAdmin);
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('HEAD, GET');
    const deep = await rawRequest(hub.url, 'PUT', '/admin/connectors/plant', { ...hubAdmin, 'content-type': 'application/json' }, deepJson(5_000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).error.code).toBe('JSON_TOO_DEEP');
  });
});

describe('routes reach a server only through the route table', () => {
  it('no module but src/api/route.ts builds a @koa/router Router', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const src = join(__dirname, '..', '..', 'src');
    const builders = files(src).filter((file) => /new Router\(|from '@koa\/router'/.test(readFileSync(file, 'utf8').replace(/import type [^;]+;/g, '')));
    expect(builders.map((file) => file.slice(src.length + 1))).toEqual(['api/route.ts']);
  });
});
