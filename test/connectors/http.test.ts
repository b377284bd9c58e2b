import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { freePort } from '../../src/temporal/dev-server';
import { historyText } from '../spi/history-text';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';

const TOKEN = 'target-bearer-token-9f8e7d6c5b4a';

/** A real HTTP peer whose behaviour each test scripts by path. */
function startTarget(): Promise<{ server: Server; url: string; hits: Map<string, number>; last: { request?: IncomingMessage; body?: string } }> {
  const hits = new Map<string, number>();
  const last: { request?: IncomingMessage; body?: string } = {};
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url!, 'http://target');
    const hit = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, hit);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json', 'X-Target': 'yes' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: 'bad token' });
    switch (url.pathname.replace(/^\/api/, '')) {
      case '/health':
        return json(200, { ok: true });
      case '/echo':
        last.request = request;
        last.body = Buffer.concat(chunks).toString('utf8');
        return json(200, { method: request.method, query: Object.fromEntries(url.searchParams), body: last.body ? JSON.parse(last.body) : null });
      case '/missing':
        return json(404, { error: 'no such order' });
      case '/flaky':
        return hit <= 2 ? json(503, { error: 'busy' }) : json(200, { attempt: hit });
      case '/down':
        return json(500, { error: 'broken' });
      case '/huge':
        return json(200, { data: 'x'.repeat(Number(url.searchParams.get('bytes'))) });
      case '/quotes':
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        return response.end('"'.repeat(600_000));
      case '/slow':
        return setTimeout(() => json(200, {}), 1_000);
      default:
        return json(404, {});
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, last })));
}

describe('http connector against a real HTTP server', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let tether: TestTether;

  beforeAll(async () => {
    target = await startTarget();
    const closedPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tether-http-'));
    const config = join(dir, 'tether.config.yaml');
    writeFileSync(
      config,
      `connectors:
  - use: http
    connectionInstances:
      - id: TARGET
        name: Target API
        settings: { baseUrl: "${target.url}/api", healthPath: /health, timeoutMs: 300, auth: { type: bearer, token: "\${TARGET_TOKEN}" } }
      - id: WRONG_TOKEN
        name: Wrong token
        settings: { baseUrl: "${target.url}/api", healthPath: /health, auth: { type: bearer, token: nope } }
      - id: CLOSED
        name: Nothing listening
        settings: { baseUrl: "http://127.0.0.1:${closedPort}", timeoutMs: 300 }
`,
    );
    tether = await startTestTether({ env: { TETHER_CONFIG: config }, registry: (settings) => loadConnectorRegistry(settings, { env: { TARGET_TOKEN: TOKEN } }) });
  });
  afterAll(async () => {
    await tether.stop();
    target.server.close();
  });

  const request = async (connectionInstanceId: string, inputs: Record<string, unknown>) => {
    const response = await fetch(`${tether.url}/http/request`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId, inputs }),
    });
    return { status: response.status, body: (await response.json()) as any, executionId: response.headers.get('x-tether-execution-id')! };
  };

  it('sends method, query, headers and a JSON body under the base URL with the instance credentials', async () => {
    const response = await request('TARGET', { method: 'post', path: '/echo', query: { page: 2, tag: ['a', 'b'] }, headers: { 'X-Trace': 't-1' }, body: { item: 'pen' } });
    expect(response.status).toBe(200);
    expect(response.body.outputs).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-target': 'yes' },
      body: { method: 'POST', query: { page: '2', tag: 'b' }, body: { item: 'pen' } },
    });
    expect(target.last.request!.url).toBe('/api/echo?page=2&tag=a&tag=b');
    expect(target.last.request!.headers['x-trace']).toBe('t-1');
    expect(target.last.request!.headers['content-type']).toBe('application/json');
  });

  it('never writes the bearer token into the execution history', async () => {
    const response = await request('TARGET', { path: 'echo' });
    expect(response.status).toBe(200);
    const history = await historyText(tether.client, response.executionId);
    expect(history).toContain('"path":"echo"');
    expect(history).not.toContain(TOKEN);
  });

  it('shows the headers input as [redacted] in the execution view', async () => {
    const response = await request('TARGET', { path: 'echo', headers: { 'X-Api-Key': 'caller-key-3e4r5t' } });
    expect(response.status).toBe(200);
    const view = await fetch(`${tether.url}/admin/executions/${encodeURIComponent(response.executionId)}`, { headers: adminAuth });
    expect(((await view.json()) as any).inputs).toEqual({ path: 'echo', headers: '[redacted]' });
  });

  it('answers 422 with the status and body for a 4xx', async () => {
    const response = await request('TARGET', { path: '/missing' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'BUSINESS_ERROR',
      message: `GET ${target.url}/api/missing answered 404`,
      details: { status: 404, body: { error: 'no such order' } },
      executionId: response.executionId,
    });
    expect(target.hits.get('/api/missing')).toBe(1);
  });

  it('retries a 5xx: fails twice then succeeds → 200 after 3 attempts', async () => {
    const response = await request('TARGET', { path: '/flaky' });
    expect(response).toMatchObject({ status: 200, body: { outputs: { status: 200, body: { attempt: 3 } } } });
    expect(target.hits.get('/api/flaky')).toBe(3);
  });

  it('answers 502 when the 5xx persists through the retries', async () => {
    const response = await request('TARGET', { path: '/down' });
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: `GET ${target.url}/api/down answered 500`, executionId: response.executionId });
    expect(target.hits.get('/api/down')).toBe(3);
  });

  it('answers 502 when nothing answers, and 504 when the target is too slow', async () => {
    const closed = await request('CLOSED', { path: '/' });
    expect(closed.status).toBe(502);
    expect(closed.body.error.code).toBe('TARGET_UNAVAILABLE');
    expect(closed.body.error.message).toMatch(/ECONNREFUSED/);
    const slow = await request('TARGET', { path: '/slow' });
    expect(slow.status).toBe(504);
    expect(slow.body.error).toMatchObject({ code: 'TARGET_TIMEOUT', message: `GET ${target.url}/api/slow did not answer within 300 ms` });
  });

  it('refuses to leave the base URL, and a method it does not know', async () => {
    const absolute = await request('TARGET', { path: 'http://evil.example/steal' });
    expect(absolute.status).toBe(422);
    expect(absolute.body.error.message).toContain('path must be relative');
    // Under the base URL's path too (its /api prefix): dot segments in any spelling never climb out of it.
    // Encoded separators too: a proxy or framework that decodes `%2F` (nginx does) would climb out with `..%2F`.
    for (const path of ['../health', 'x/../../health', '/%2e%2e/health', '%2E%2E/health', '\\..\\..\\health', '.%2e/health', '..%2Fhealth', 'x/..%2f..%2fhealth', '..%5Chealth', '%2e%2e%2fhealth']) {
      const climbing = await request('TARGET', { path });
      expect({ path, status: climbing.status, message: climbing.body.error?.message ?? JSON.stringify(climbing.body) }).toEqual({ path, status: 422, message: `path must stay under the connection's base URL, got ${JSON.stringify(path)}` });
    }
    expect(target.hits.get('/health')).toBeUndefined();
    expect((await request('TARGET', { path: 'a/../echo' })).status).toBe(200);
    // An encoded slash that climbs nowhere (an id such as GitLab's `group%2Fproject`) is sent as it is.
    const encodedId = await request('TARGET', { path: 'projects/group%2Fproject' });
    expect(encodedId.body.error?.message ?? '').not.toContain('must stay under');
    expect((await request('TARGET', { path: '/echo', method: 'BREW' })).status).toBe(422);
    expect((await request('TARGET', { method: 'GET' })).status).toBe(400);
  });

  it('answers 422 for a response body over 1,000,000 bytes, which would never fit the execution history', async () => {
    // Before: the outputs outgrew Temporal's 4 MiB workflow task; the caller got 202 after 30 s and the execution hung until its deadline.
    const huge = await request('TARGET', { path: '/huge', query: { bytes: 3_000_000 } });
    expect(huge.status).toBe(422);
    expect(huge.body.error.message).toBe(`GET ${target.url}/api/huge answered a body of more than 1000000 bytes; at most 1000000 are returned (outputs are recorded in the execution's history)`);
    const large = await request('TARGET', { path: '/huge', query: { bytes: 900_000 } });
    expect(large.status).toBe(200);
    expect(large.body.outputs.body.data).toHaveLength(900_000);
    // Under the body limit, but twice that as JSON (each quote escaped): any action's outputs are bounded too.
    const escaped = await request('TARGET', { path: '/quotes' });
    expect(escaped.status).toBe(422);
    expect(escaped.body.error.message).toMatch(/^The outputs of http\/request are 12\d{5} bytes as JSON; at most 1000000 may be returned \(they are recorded in the execution's history\)$/);
  }, 60_000);

  it('checks health by GETting healthPath', async () => {
    const check = async (connectionInstanceId: string) => {
      const response = await fetch(`${tether.url}/http/com.bmc.dsm.catalog:checkHealth`, {
        method: 'POST',
        headers: { ...spiAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ connectionInstanceId, request: {} }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as any).response;
    };
    expect(await check('TARGET')).toEqual({ status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: `GET ${target.url}/api/health answered 200` }] });
    expect(await check('WRONG_TOKEN')).toMatchObject({ status: 'CONNECTION_FAILURE', message: `GET ${target.url}/api/health answered 401` });
    expect(await check('CLOSED')).toMatchObject({ status: 'CONNECTION_FAILURE', message: expect.stringContaining('ECONNREFUSED') });
  });
});
