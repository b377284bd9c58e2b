import Router from '@koa/router';
import type { ReadinessCheck } from '../../temporal/readiness';

/** Liveness and readiness for orchestrators, and the SPI's unauthenticated `GET /rcf/health`. */
export function createHealthRouter(readiness: ReadinessCheck[]): Router {
  const router = new Router();
  router.get('/rcf/health', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'OK';
  });
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', async (ctx) => {
    const reasons = (await Promise.all(readiness.map((check) => check()))).filter((reason): reason is string => !!reason);
    ctx.status = reasons.length ? 503 : 200;
    ctx.body = reasons.length ? { status: 'not ready', reasons } : { status: 'ready' };
  });
  return router;
}
