import Router from '@koa/router';
import { z } from 'zod';
import type { ReadinessCheck } from '../../temporal/readiness';
import type { OperationDoc } from '../openapi';

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

export const healthRouteDocs: OperationDoc[] = [
  {
    method: 'get',
    path: '/rcf/health',
    summary: 'Server health check the catalog uses to validate a registration',
    tag: 'spi',
    auth: 'none',
    responses: { 200: { description: 'Always OK while the server runs', schema: z.literal('OK'), contentType: 'text/plain' } },
  },
  { method: 'get', path: '/health/live', summary: 'Liveness', tag: 'health', auth: 'none', responses: { 200: { description: 'The process runs', schema: z.object({ status: z.literal('live') }) } } },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: Temporal reachable, a worker polling, platform link up',
    tag: 'health',
    auth: 'none',
    responses: {
      200: { description: 'Ready', schema: z.object({ status: z.literal('ready') }) },
      503: { description: 'Not ready, with the reasons', schema: z.object({ status: z.literal('not ready'), reasons: z.array(z.string()) }) },
    },
  },
];
