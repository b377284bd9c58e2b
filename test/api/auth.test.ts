import Koa from 'koa';
import request from 'supertest';
import { apiAuthentication, type ApiAuth, type ApiRoute } from '../../src/api/auth';
import { errorHandler } from '../../src/api/errors';
import { buildRouter } from '../../src/api/route';
import { createLogger } from '../../src/logging/logger';
import { adminAuth, spiAuth, testCredentials } from '../support/tether';

/** One route per policy, answering who called. */
function appWith(auth: ApiAuth) {
  const route: ApiRoute = { method: 'get', path: '/x', summary: 'x', tag: 't', auth, responses: {}, handler: (ctx) => void (ctx.body = { principal: ctx.state.principal }) };
  const app = new Koa();
  app.use(errorHandler(createLogger('silent')));
  app.use(buildRouter([route], apiAuthentication(testCredentials), { bodyLimitBytes: 1_048_576 }).routes());
  return app.callback();
}

describe('API authentication on declared routes', () => {
  const spi = appWith('spi');
  const admin = appWith('admin');

  it('accepts HTTP Basic (the catalog scheme) and the Bearer SPI token on SPI routes', async () => {
    await request(spi).get('/x').set(spiAuth).expect(200, { principal: 'spi' });
    await request(spi).get('/x').set('Authorization', `Bearer ${testCredentials.spiToken}`).expect(200, { principal: 'spi' });
    await request(spi).get('/x').set(adminAuth).expect(200, { principal: 'admin' });
  });

  it('answers 401 with the JSON error shape for missing or wrong credentials', async () => {
    const missing = await request(spi).get('/x').expect(401);
    expect(missing.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Missing Authorization header (HTTP Basic or Bearer)' } });
    expect(missing.headers['www-authenticate']).toContain('Basic realm="tether", charset="UTF-8"');
    const wrongPassword = `Basic ${Buffer.from('catalog:nope').toString('base64')}`;
    await request(spi).get('/x').set('Authorization', wrongPassword).expect(401);
    await request(spi).get('/x').set('Authorization', 'Bearer nope').expect(401);
    await request(spi).get('/x').set('Authorization', 'Digest abc').expect(401);
  });

  it('answers 403 when valid SPI credentials call an admin route', async () => {
    const response = await request(admin).get('/x').set(spiAuth).expect(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
    await request(admin).get('/x').set(adminAuth).expect(200);
  });

  it('refuses to build a router from a route that declares no auth, or an unknown policy', () => {
    const handler = () => undefined;
    const undeclared = { method: 'get', path: '/y', summary: 'y', tag: 't', responses: {}, handler } as unknown as ApiRoute;
    expect(() => buildRouter([undeclared], apiAuthentication(testCredentials), { bodyLimitBytes: 1_048_576 })).toThrow("Route GET /y must declare auth: 'public' or one of spi, admin, admin-session, admin-login, egeria (got undefined)");
    const unknown = { ...undeclared, auth: 'everyone' } as unknown as ApiRoute;
    expect(() => buildRouter([unknown], apiAuthentication(testCredentials), { bodyLimitBytes: 1_048_576 })).toThrow('(got "everyone")');
    const twice: ApiRoute = { method: 'get', path: '/y', summary: 'y', tag: 't', auth: 'public', responses: {}, handler };
    expect(() => buildRouter([twice, twice], apiAuthentication(testCredentials), { bodyLimitBytes: 1_048_576 })).toThrow('Route GET /y is declared twice');
  });
});
