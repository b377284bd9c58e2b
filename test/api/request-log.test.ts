import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { redactedLogPaths } from '../../src/logging/logger';
import { parseKeyRing } from '../../src/temporal/codec';
import { spiAuth, startTestTether, testCodecKey, testCredentials, type TestTether } from '../support/tether';

describe('request logs', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({ worker: false, api: false });
  });
  afterAll(() => tether.stop());

  it('writes one JSON line per request with its id, and never the credentials', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const log = pino({ level: 'info', redact: redactedLogPaths }, sink);
    const app = createApp({
      settings: tether.settings,
      credentials: testCredentials,
      log,
      client: tether.client,
      registry: loadConnectorRegistry(tether.settings),
      keyRing: parseKeyRing(testCodecKey),
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      readiness: [],
    });
    const response = await request(app.callback()).get('/rcf/descriptor').set(spiAuth).set('X-Request-Id', 'req-42').expect(200);
    expect(response.headers['x-request-id']).toBe('req-42');
    await request(app.callback()).get('/nowhere').expect(404);
    expect(lines.filter((line) => line.msg === 'request')).toEqual([
      expect.objectContaining({ requestId: 'req-42', method: 'GET', path: '/rcf/descriptor', status: 200 }),
      expect.objectContaining({ method: 'GET', path: '/nowhere', status: 404, requestId: expect.any(String) }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(testCredentials.spiPassword);
    expect(JSON.stringify(lines)).not.toContain(Buffer.from(`${testCredentials.spiUser}:${testCredentials.spiPassword}`).toString('base64'));
  });
});
