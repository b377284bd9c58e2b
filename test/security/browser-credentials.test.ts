import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminAuth, startTestTether, testCredentials, type TestTether } from '../support/tether';
import { rawRequest } from './support';

/**
 * Credentials a browser sends by itself — the Basic login it remembers after `/codec/login` (the admin token as
 * password, any user name) and the codec session cookie — must not let another site act with them. The attack:
 * a page on another site posts with `fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include', body:
 * new Blob([json])})` — no Content-Type header, so no CORS preflight — and the browser adds the remembered login.
 * On Egeria's admin paths that configured an integration group whose metadata server is the attacker's, and the
 * daemon then presented this Tether's admin token to it.
 */

const basicAdminPassword = { Authorization: `Basic ${Buffer.from(`anyone:${testCredentials.adminToken}`).toString('base64')}` };
/** What a browser adds to a cross-site no-cors POST; scripts can neither set nor remove these. */
const crossSite = { Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' };

interface Recorder {
  url: string;
  authorizations: string[];
  close(): Promise<void>;
}

/** The attacker's "metadata server": records what each request presents. */
async function startRecorder(): Promise<Recorder> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('browser-borne credentials cannot be used by another site', () => {
  let tether: TestTether;
  let attacker: Recorder;
  beforeAll(async () => {
    tether = await startTestTether();
    attacker = await startRecorder();
  });
  afterAll(async () => {
    await attacker.close();
    await tether.stop();
  });

  const configurePath = (server: string) => `/open-metadata/admin-services/servers/${server}/integration-groups/configuration`;
  const group = (root: string) => JSON.stringify({ class: 'IntegrationGroupConfig', omagserverPlatformRootURL: root, omagserverName: 'md', integrationGroupQualifiedName: 'stolen' });

  it("a cross-site post with the remembered Basic login configures nothing, and the admin token never reaches the attacker's server", async () => {
    const response = await rawRequest(tether.url, 'POST', configurePath('csrf-daemon'), { ...basicAdminPassword, ...crossSite }, group(attacker.url));
    expect(response.status).toBe(403);
    expect(JSON.parse(response.text)).toMatchObject({
      class: 'VoidResponse',
      relatedHTTPCode: 403,
      exceptionErrorMessage: expect.stringContaining('Origin https://attacker.example'),
    });
    const configured = await rawRequest(tether.url, 'GET', configurePath('csrf-daemon'), adminAuth);
    expect(JSON.parse(configured.text).groups ?? []).toEqual([]);
    // Long enough for a reconciler to have read the definition (it starts at once and reads within a second).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(attacker.authorizations).toEqual([]);
  });

  it('the same login from a script of another origin is refused on every method, the runtime paths and the codec too', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['POST', '/servers/csrf-daemon/open-metadata/integration-daemon/integration-connectors/restart', undefined],
      ['DELETE', '/open-metadata/admin-services/servers/csrf-daemon/integration-groups', undefined],
      ['POST', '/codec/decode', JSON.stringify({ payloads: [] })],
    ];
    for (const [method, path, body] of cases) {
      const response = await rawRequest(tether.url, method, path, { ...basicAdminPassword, ...crossSite }, body);
      const answer = JSON.parse(response.text);
      const refused = answer.relatedHTTPCode === 403 || ['CROSS_ORIGIN_REQUEST', 'ORIGIN_NOT_ALLOWED'].includes(answer.error?.code);
      expect({ method, path, refused }).toEqual({ method, path, refused: true });
    }
  });

  it('a body without Content-Type is refused from a browser-borne login even without Origin (old browsers), 415 naming the header', async () => {
    const response = await rawRequest(tether.url, 'POST', configurePath('csrf-daemon-2'), basicAdminPassword, group(attacker.url));
    expect(JSON.parse(response.text)).toMatchObject({ relatedHTTPCode: 415, exceptionErrorMessage: expect.stringContaining('Content-Type') });
    const configured = await rawRequest(tether.url, 'GET', configurePath('csrf-daemon-2'), adminAuth);
    expect(JSON.parse(configured.text).groups ?? []).toEqual([]);
  });

  it("still serves Egeria's clients (no Origin) and a page of this API's own origin, and the Bearer token from anywhere", async () => {
    const json = { 'content-type': 'application/json' };
    const own = await rawRequest(tether.url, 'GET', configurePath('csrf-daemon'), { ...basicAdminPassword, Origin: tether.url });
    expect(JSON.parse(own.text)).toMatchObject({ relatedHTTPCode: 200 });
    const client = await rawRequest(tether.url, 'POST', configurePath('csrf-daemon-3'), { ...basicAdminPassword, ...json }, group(tether.url));
    expect(JSON.parse(client.text)).toMatchObject({ relatedHTTPCode: 200 });
    // A Bearer token is never added by a browser on its own: whoever sends it holds it.
    const bearer = await rawRequest(tether.url, 'GET', configurePath('csrf-daemon-3'), { ...adminAuth, ...crossSite });
    expect(JSON.parse(bearer.text)).toMatchObject({ relatedHTTPCode: 200, groups: [expect.objectContaining({ integrationGroupQualifiedName: 'stolen' })] });
    await rawRequest(tether.url, 'DELETE', '/open-metadata/admin-services/servers/csrf-daemon-3/integration-groups', adminAuth);
  });
});
