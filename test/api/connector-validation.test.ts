import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';

// Validation endpoints: every problem by field, nothing run (dev defaults: example, http-poll, folder-monitor configured).
describe('connector validation endpoints', () => {
  let tether: TestTether;
  let peer: Server;
  let peerRequests = 0;
  beforeAll(async () => {
    peer = createServer((_request, response) => {
      peerRequests++;
      response.end('ok');
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    tether = await startTestTether({ worker: false });
  });
  afterAll(async () => {
    await tether.stop();
    peer.close();
  });
  const post = (path: string, body: unknown, auth: Record<string, string> = adminAuth) => request(tether.url).post(path).set(auth).send(body as object);

  it("answers every problem of a connection instance's settings by field, never repeating a value", async () => {
    const response = await post('/admin/connectors/http/validate', { settings: { baseUrl: 'not a url', timeoutMs: -1, auth: { type: 'bearer', token: 918273645 } } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      connectorType: 'tether.http',
      valid: false,
      problems: {
        'settings.baseUrl': ['expected an http(s) URL'],
        'settings.timeoutMs': [expect.any(String)],
        'settings.auth.token': [expect.any(String)],
      },
    });
    expect(JSON.stringify(response.body)).not.toContain('918273645');
  });

  it('accepts valid settings, by path, type or built-in name, configured here or not', async () => {
    for (const type of ['http', 'tether.http', 'postgres', 'myconnector']) {
      const settings = type === 'postgres' ? { connectionString: 'postgres://db/orders' } : type === 'myconnector' ? {} : { baseUrl: 'http://127.0.0.1:1' };
      const response = await post(`/admin/connectors/${type}/validate`, { settings });
      expect({ type, status: response.status, valid: response.body.valid, problems: response.body.problems }).toEqual({ type, status: 200, valid: true, problems: {} });
    }
  });

  it('names an unknown connector (404, listing the known ones) and a body of the wrong shape (400)', async () => {
    const unknown = await post('/admin/connectors/salesforce/validate', { settings: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details.known).toEqual(expect.arrayContaining(['tether.http', 'tether.postgres', 'com.example.my.connector']));
    const badBody = await post('/admin/connectors/http/validate', { settings: ['a'] });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.details).toHaveProperty('settings');
  });

  it("answers every problem of an integration connector's configuration by field, without running it", async () => {
    const url = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/poll`;
    const invalid = await post('/admin/integration-connectors/tether.http-poll/validate', { configuration: { url: 'ftp://x', method: 'FETCH', timeoutSeconds: 0 } });
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ connectorType: 'tether.http-poll', valid: false });
    expect(Object.keys(invalid.body.problems).sort()).toEqual(['configuration.method', 'configuration.timeoutSeconds', 'configuration.url']);
    const valid = await post('/admin/integration-connectors/tether.http-poll/validate', { configuration: { url } });
    expect(valid.body).toEqual({ connectorType: 'tether.http-poll', valid: true, problems: {} });
    const empty = await post('/admin/integration-connectors/tether.folder-monitor/validate', { configuration: {} });
    expect(empty.body).toEqual({ connectorType: 'tether.folder-monitor', valid: false, problems: { 'configuration.path': [expect.any(String)] } });
    const missing = await post('/admin/integration-connectors/tether.folder-monitor/validate', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toHaveProperty(['configuration']);
    expect(peerRequests).toBe(0);
  });

  it('refuses an unknown integration connector type with the known ones', async () => {
    const response = await post('/admin/integration-connectors/tether.kafka/validate', { configuration: {} });
    expect(response.status).toBe(404);
    expect(response.body.error.details.known).toEqual(expect.arrayContaining(['tether.http-poll', 'tether.folder-monitor']));
  });

  it('is for the admin only', async () => {
    expect((await request(tether.url).post('/admin/connectors/http/validate').send({ settings: {} })).status).toBe(401);
    expect((await post('/admin/connectors/http/validate', { settings: {} }, spiAuth)).status).toBe(403);
    expect((await post('/admin/integration-connectors/tether.http-poll/validate', { configuration: {} }, spiAuth)).status).toBe(403);
  });
});
