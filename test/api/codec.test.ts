import { createHmac, randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import Koa from 'koa';
import request from 'supertest';
import { errorHandler } from '../../src/api/errors';
import { apiAuthentication } from '../../src/api/auth';
import { isValidCodecSession } from '../../src/api/codec-session';
import { buildRouter, methodNotAllowed } from '../../src/api/route';
import { codecAllowedOrigins, codecRoutes, type JsonPayload } from '../../src/api/routes/codec';
import { parseSettings } from '../../src/config/settings';
import { createLogger } from '../../src/logging/logger';
import { AesGcmPayloadCodec, parseKeyRing } from '../../src/temporal/codec';
import { adminAuth, spiAuth, testCredentials } from '../support/tether';

const uiOrigin = 'http://localhost:8233';
const codec = new AesGcmPayloadCodec(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`));

function codecApp() {
  const app = new Koa();
  app.use(errorHandler(createLogger('silent')));
  app.use(methodNotAllowed());
  app.use(buildRouter(codecRoutes({ codec, credentials: testCredentials, allowedOrigins: [uiOrigin] }), apiAuthentication(testCredentials, [uiOrigin]), { bodyLimitBytes: 1_048_576 }).routes());
  return app.callback();
}

/** A payload the way the Temporal UI sends it: protobuf JSON, bytes in base64. */
function jsonPayload(value: unknown): JsonPayload {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([key, bytes]) => [key, Buffer.from(bytes).toString('base64')])),
    data: Buffer.from(payload.data!).toString('base64'),
  };
}
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

describe('codec server protocol', () => {
  const app = codecApp();

  it('encodes and decodes payloads round trip for an admin', async () => {
    const input = { payloads: [jsonPayload({ secret: 'swordfish' }), jsonPayload('second')] };
    const encoded = await request(app).post('/codec/encode').set(adminAuth).send(input).expect(200);
    expect(encoded.body.payloads).toHaveLength(2);
    expect(unb64(encoded.body.payloads[0].metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(encoded.body.payloads[0].metadata['encryption-key-id'])).toBe('k1');
    expect(unb64(encoded.body.payloads[0].data)).not.toContain('swordfish');
    const decoded = await request(app).post('/codec/decode').set(adminAuth).set('X-Namespace', 'default').send(encoded.body).expect(200);
    expect(decoded.body).toEqual(input);
  });

  it('serves the namespace-templated paths the CLI may use', async () => {
    const input = { payloads: [jsonPayload(42)] };
    const encoded = await request(app).post('/codec/default/encode').set(adminAuth).send(input).expect(200);
    await request(app).post('/codec/default/decode').set(adminAuth).send(encoded.body).expect(200, input);
  });

  it('passes payloads that are not encrypted through decode', async () => {
    const input = { payloads: [jsonPayload('plain')] };
    await request(app).post('/codec/decode').set(adminAuth).send(input).expect(200, input);
  });

  it('answers 400 naming the field for a malformed body, and 400 for a payload it cannot decrypt', async () => {
    const bad = await request(app).post('/codec/decode').set(adminAuth).send({ payloads: [{ data: 'not base64!' }] }).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(bad.body.error.details)).toEqual(['payloads.0.data']);
    const missing = await request(app).post('/codec/decode').set(adminAuth).send({}).expect(400);
    expect(Object.keys(missing.body.error.details)).toEqual(['payloads']);
    const foreign = { payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('gone') }, data: b64('x'.repeat(40)) }] };
    const failed = await request(app).post('/codec/decode').set(adminAuth).send(foreign).expect(400);
    expect(failed.body.error).toEqual({
      code: 'CODEC_FAILED',
      message: 'Could not decode payloads: Payload was encrypted with key "gone", which TETHER_CODEC_KEY does not hold (it holds: k1)',
    });
  });

  it('requires the admin token: 401 without or with a wrong one, 403 for SPI credentials', async () => {
    const body = { payloads: [jsonPayload('x')] };
    await request(app).post('/codec/decode').send(body).expect(401);
    await request(app).post('/codec/decode').set('Authorization', 'Bearer wrong-token-0123456789').send(body).expect(401);
    const forbidden = await request(app).post('/codec/decode').set(spiAuth).send(body).expect(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
  });
});

describe('codec CORS for the Temporal UI', () => {
  const app = codecApp();

  it('answers the preflight without credentials, allowing the headers the UI sends', async () => {
    const response = await request(app)
      .options('/codec/decode')
      .set('Origin', uiOrigin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization')
      .expect(204);
    expect(response.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(response.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, X-Namespace');
    expect(response.headers.vary).toMatch(/Origin/);
  });

  it('puts CORS headers on answers, errors included, so the UI can read them', async () => {
    const ok = await request(app).post('/codec/encode').set('Origin', uiOrigin).set(adminAuth).send({ payloads: [] }).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(ok.body).toEqual({ payloads: [] });
    const denied = await request(app).post('/codec/decode').set('Origin', uiOrigin).send({ payloads: [] }).expect(401);
    expect(denied.headers['access-control-allow-origin']).toBe(uiOrigin);
  });

  it('refuses other origins, naming the setting to change', async () => {
    const response = await request(app).options('/codec/decode').set('Origin', 'http://evil.example').expect(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.body.error.message).toBe(
      `Origin http://evil.example may not call the codec endpoints (allowed: ${uiOrigin}); set TEMPORAL_UI_URL to the Temporal UI's address`,
    );
    await request(app).post('/codec/decode').set('Origin', 'http://evil.example').set(adminAuth).send({ payloads: [] }).expect(403);
  });

  it('derives the allowed origins from TEMPORAL_UI_URL or the embedded UI, under localhost and 127.0.0.1', () => {
    expect(codecAllowedOrigins(parseSettings({ TEMPORAL_UI_URL: 'https://temporal.example.com/ui' }))).toEqual(['https://temporal.example.com']);
    expect(codecAllowedOrigins(parseSettings({}), 'http://127.0.0.1:8233')).toEqual(['http://127.0.0.1:8233', 'http://localhost:8233']);
    expect(codecAllowedOrigins(parseSettings({}))).toEqual([]);
  });
});

describe('codec browser session', () => {
  const app = codecApp();
  const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;

  it('prompts for the admin token, then sets a cookie that authenticates JSON codec calls', async () => {
    const prompt = await request(app).get('/codec/login').expect(401);
    // Separate challenges: a browser prompts for Basic only when it is a header of its own (Chromium ignores a combined list).
    const raw = (prompt as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
    const challenges = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'www-authenticate');
    expect(challenges).toEqual(['Basic realm="tether", charset="UTF-8"', 'Bearer realm="tether"']);
    await request(app).get('/codec/login').set('Authorization', basic('wrong')).expect(401);
    const login = await request(app).get('/codec/login').set('Authorization', basic(testCredentials.adminToken)).expect(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^tether_codec_session=\d+\.[\w-]+; path=\/codec; /);
    expect(setCookie).toMatch(/httponly/);
    expect(setCookie).toMatch(/samesite=lax/);
    expect(setCookie).not.toContain(testCredentials.adminToken);
    const cookie = setCookie.split(';')[0]!;

    const input = { payloads: [jsonPayload('via cookie')] };
    const encoded = await request(app).post('/codec/encode').set('Origin', uiOrigin).set('Cookie', cookie).send(input).expect(200);
    await request(app).post('/codec/decode').set('Cookie', cookie).send(encoded.body).expect(200, input);
    await request(app).post('/codec/decode').set('Cookie', cookie).set('Content-Type', 'text/plain').send(JSON.stringify(input)).expect(415);
    const forged = await request(app).post('/codec/decode').set('Cookie', 'tether_codec_session=1.forged').send(input).expect(401);
    // No Basic challenge on the UI's fetches: the browser would hold them for a login prompt.
    expect(forged.headers['www-authenticate']).toBe('Bearer realm="tether"');
  });

  it('expires sessions and revokes them when the admin token changes', () => {
    const now = Math.floor(Date.now() / 1000);
    const login = (token: string, at: number) => `${at}.${createHmac('sha256', token).update(`tether-codec-session:${at}`).digest('base64url')}`;
    expect(isValidCodecSession(login('token-a', now), 'token-a', now)).toBe(true);
    expect(isValidCodecSession(login('token-a', now), 'token-b', now)).toBe(false);
    expect(isValidCodecSession(login('token-a', now - 13 * 3600), 'token-a', now)).toBe(false);
    expect(isValidCodecSession(undefined, 'token-a', now)).toBe(false);
  });
});
