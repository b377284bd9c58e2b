import Koa from 'koa';
import request from 'supertest';
import { requireAuth } from '../../src/api/auth';
import { errorHandler } from '../../src/api/errors';
import { createLogger } from '../../src/logging/logger';
import { adminAuth, spiAuth, testCredentials } from '../support/tether';

function appWith(allowed: Parameters<typeof requireAuth>[1]) {
  const app = new Koa();
  app.use(errorHandler(createLogger('silent')));
  app.use(requireAuth(testCredentials, allowed));
  app.use((ctx) => {
    ctx.body = { principal: ctx.state.principal };
  });
  return app.callback();
}

describe('requireAuth', () => {
  const spi = appWith(['spi', 'admin']);
  const admin = appWith(['admin']);

  it('accepts HTTP Basic (the catalog scheme) and the Bearer SPI token on SPI routes', async () => {
    await request(spi).get('/x').set(spiAuth).expect(200, { principal: 'spi' });
    await request(spi).get('/x').set('Authorization', `Bearer ${testCredentials.spiToken}`).expect(200, { principal: 'spi' });
    await request(spi).get('/x').set(adminAuth).expect(200, { principal: 'admin' });
  });

  it('answers 401 with the JSON error shape for missing or wrong credentials', async () => {
    const missing = await request(spi).get('/x').expect(401);
    expect(missing.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Missing Authorization header (HTTP Basic or Bearer)' } });
    expect(missing.headers['www-authenticate']).toMatch(/Basic/);
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
});
