import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createDaemonMetadataActivities, GroupDefinitions } from '../../src/activities/daemon-metadata';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { httpPollConnector } from '../../src/connectors/http-poll';
import { SecretStore } from '../../src/connectors/secrets';
import { spiAuth, startTestTether, testCredentials, type TestTether } from '../support/tether';

const API_KEY = 'x-api-key-value-5a4b3c2d1e';
const TOKEN = 'redirect-bearer-token-0f1e2d3c';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP server on its own port (its own origin). `redirects` maps a path to [status, Location];
 * every other path answers 200 with JSON. Every request is recorded.
 */
async function startOrigin(redirects: (self: string) => Record<string, [number, string]> = () => ({})) {
  const seen: Seen[] = [];
  let url = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    seen.push({ method: request.method!, path, headers: request.headers });
    request.resume();
    const redirect = redirects(url)[path];
    if (redirect) return response.writeHead(redirect[0], { Location: redirect[1] }).end();
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ definition: { connectors: [] }, landed: path }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe('outbound HTTP follows redirects only within the origin it called (two real origins)', () => {
  let b: Awaited<ReturnType<typeof startOrigin>>;
  let a: Awaited<ReturnType<typeof startOrigin>>;
  let tether: TestTether;

  beforeAll(async () => {
    b = await startOrigin();
    a = await startOrigin((self) => ({
      '/api/to-b': [302, `${b.url}/stolen`],
      '/api/to-b-307': [307, `${b.url}/stolen`],
      '/api/to-a': [301, `${self}/api/landing`],
      '/api/post-to-a': [303, '/api/landing'],
      '/api/loop': [302, '/api/loop'],
      '/metadata/servers/md/integration-groups/g': [302, `${b.url}/metadata/servers/md/integration-groups/g`],
    }));
    const dir = mkdtempSync(join(tmpdir(), 'tether-redirects-'));
    const config = join(dir, 'tether.config.yaml');
    writeFileSync(
      config,
      `connectors:
  - use: http
    connectionInstances:
      - id: A
        name: Origin A
        settings: { baseUrl: "${a.url}/api", healthPath: /to-b, auth: { type: bearer, token: "${TOKEN}" }, headers: { X-Api-Key: "${API_KEY}" } }
`,
    );
    tether = await startTestTether({ env: { TETHER_CONFIG: config }, registry: (settings) => loadConnectorRegistry(settings) });
  });
  afterAll(async () => {
    await tether.stop();
    await Promise.all([a.close(), b.close()]);
  });
  beforeEach(() => {
    a.seen.length = 0;
    b.seen.length = 0;
  });

  const call = async (inputs: Record<string, unknown>) => {
    const response = await fetch(`${tether.url}/http/request`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId: 'A', inputs }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const refusal = (from: string, status: number) =>
    `${from} answered ${status} redirecting to another origin (${b.url}); Tether follows redirects only within the origin it called, so credentials and configured headers never travel elsewhere`;

  it('http connector: a redirect to another origin is not followed; the call fails with 422 naming that origin', async () => {
    for (const [path, status] of [['/to-b', 302], ['/to-b-307', 307]] as const) {
      const response = await call({ method: 'POST', path, headers: { 'X-Call': 'c' }, body: { order: 1 } });
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({ code: 'BUSINESS_ERROR', message: refusal(`POST ${a.url}/api${path}`, status), details: { status } });
    }
    expect(b.seen).toEqual([]);
    expect(a.seen.map((s) => s.headers['x-api-key'])).toEqual([API_KEY, API_KEY]);
  });

  it('http connector: a redirect within the origin is followed with the credentials and headers (a 303 continues as GET)', async () => {
    const moved = await call({ path: '/to-a' });
    expect(moved).toMatchObject({ status: 200, body: { outputs: { status: 200, body: { landed: '/api/landing' } } } });
    const posted = await call({ method: 'POST', path: '/post-to-a', body: { order: 2 } });
    expect(posted.body.outputs.body.landed).toBe('/api/landing');
    const landings = a.seen.filter((s) => s.path === '/api/landing');
    expect(landings.map((s) => [s.method, s.headers['x-api-key'], s.headers.authorization, s.headers['content-type']])).toEqual([
      ['GET', API_KEY, `Bearer ${TOKEN}`, undefined],
      ['GET', API_KEY, `Bearer ${TOKEN}`, undefined],
    ]);
    expect(b.seen).toEqual([]);
  });

  it('http connector: a redirect loop ends after 5 hops as target unavailable', async () => {
    const response = await call({ path: '/loop' });
    expect(response.status).toBe(502);
    expect(response.body.error.message).toContain(`GET ${a.url}/api/loop redirected more than 5 times`);
    expect(a.seen.filter((s) => s.path === '/api/loop').length).toBe(18); // 6 requests × 3 attempts
  });

  it('http connector: a health check redirected to another origin is CONNECTION_FAILURE, and the other origin sees nothing', async () => {
    const response = await fetch(`${tether.url}/http/com.bmc.dsm.catalog:checkHealth`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId: 'A', request: {} }),
    });
    expect(((await response.json()) as any).response).toMatchObject({ status: 'CONNECTION_FAILURE', message: refusal(`GET ${a.url}/api/to-b`, 302) });
    expect(b.seen).toEqual([]);
  });

  it('http-poll: a redirect to another origin fails the refresh without reaching it', async () => {
    const integration = httpPollConnector.integration!;
    const refresh = (path: string) =>
      integration.refresh({
        configuration: integration.configuration.parse({ url: `${a.url}${path}`, headers: { 'x-api-key': API_KEY } }),
        connectorName: 'poller',
        previousState: null,
        secrets: new SecretStore().resolverFor({ connectorType: 'tether.http-poll', group: 'g', connectorName: 'poller' }),
        signal: new AbortController().signal,
        log: pino({ level: 'silent' }),
      });
    await expect(refresh('/api/to-b')).rejects.toThrow(refusal(`GET ${a.url}/api/to-b`, 302));
    expect(b.seen).toEqual([]);
    await expect(refresh('/api/to-a')).resolves.toMatchObject({ summary: `GET ${a.url}/api/to-a answered 200 (56 bytes)` });
    expect(a.seen.find((s) => s.path === '/api/landing')?.headers['x-api-key']).toBe(API_KEY);
  });

  it("metadata client: a redirect to another origin is refused, so this Tether's admin token stays with the configured server", async () => {
    const { fetchGroupDefinition } = createDaemonMetadataActivities({ credentials: testCredentials, definitions: new GroupDefinitions(testCredentials) });
    const group = { class: 'IntegrationGroupConfig' as const, omagserverPlatformRootURL: a.url, omagserverName: 'md', integrationGroupQualifiedName: 'g' };
    await expect(fetchGroupDefinition(group)).rejects.toThrow(`Metadata server ${refusal(`GET ${a.url}/metadata/servers/md/integration-groups/g`, 302)}`);
    expect(a.seen[0]!.headers.authorization).toBe(`Bearer ${testCredentials.adminToken}`);
    expect(b.seen).toEqual([]);
  });
});
