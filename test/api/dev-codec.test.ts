import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { startDevCodec, type DevCodec } from '../../src/api/dev-codec';
import { createLogger } from '../../src/logging/logger';
import { AesGcmPayloadCodec, parseKeyRing } from '../../src/temporal/codec';

const uiOrigin = 'http://127.0.0.1:8233';
const codec = new AesGcmPayloadCodec(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`));

describe('dev codec (tether dev: the embedded UI reads payloads without a login)', () => {
  let dev: DevCodec;
  let encoded: unknown;
  beforeAll(async () => {
    dev = await startDevCodec({ codec, allowedOrigins: [uiOrigin, 'http://localhost:8233'], port: 0, bodyLimitBytes: 1_048_576, log: createLogger('silent') });
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ recipient: 'Bob' })]);
    encoded = { payloads: [{ metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(sealed!.data!).toString('base64') }] };
  });
  afterAll(() => dev.close());

  const decode = (headers: Record<string, string>, body = JSON.stringify(encoded)) =>
    fetch(`${dev.endpoint}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('listens on loopback only and decrypts for the UI origin, no credentials needed', async () => {
    expect(dev.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/codec$/);
    const preflight = await fetch(`${dev.endpoint}/decode`, { method: 'OPTIONS', headers: { Origin: uiOrigin, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const answer = await decode({ Origin: uiOrigin, 'X-Namespace': 'default' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const { payloads } = (await answer.json()) as { payloads: Array<{ data: string }> };
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual({ recipient: 'Bob' });
  });

  it('does not seal: without a login it decodes only, so nobody on this machine mints payloads the workers would accept', async () => {
    const encode = await fetch(`${dev.endpoint}/encode`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: uiOrigin }, body: JSON.stringify({ payloads: [] }) });
    expect(encode.status).toBe(404);
  });

  it('refuses other origins, non-JSON posts (which skip the preflight) and a Host other than loopback (DNS rebinding)', async () => {
    const foreign = await decode({ Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await decode({ 'Content-Type': 'text/plain' })).status).toBe(415);
    const port = new URL(dev.endpoint).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/codec/decode', method: 'POST', headers: { Host: `rebound.example:${port}`, 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.once('error', reject);
      req.end(JSON.stringify(encoded));
    });
    expect(status).toBe(401);
  });
});
