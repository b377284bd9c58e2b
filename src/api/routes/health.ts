import { z } from 'zod';
import type { ReadinessCheck } from '../../temporal/readiness';
import type { ApiRoute } from '../auth';

/** Liveness and readiness for orchestrators, and the SPI's unauthenticated `GET /rcf/health`. */
export function healthRoutes(readiness: ReadinessCheck[]): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/rcf/health',
      summary: 'Server health check the catalog uses to validate a registration',
      tag: 'spi',
      auth: 'public',
      responses: { 200: { description: 'Always OK while the server runs', schema: z.literal('OK'), contentType: 'text/plain' } },
      handler: (ctx) => {
        ctx.type = 'text/plain';
        ctx.body = 'OK';
      },
    },
    {
      method: 'get',
      path: '/health/live',
      summary: 'Liveness',
      tag: 'health',
      auth: 'public',
      responses: { 200: { description: 'The process runs', schema: z.object({ status: z.literal('live') }) } },
      handler: (ctx) => {
        ctx.body = { status: 'live' };
      },
    },
    {
      method: 'get',
      path: '/health/ready',
      summary: 'Readiness: Temporal reachable, a worker polling, platform link up',
      tag: 'health',
      auth: 'public',
      responses: {
        200: { description: 'Ready', schema: z.object({ status: z.literal('ready') }) },
        503: { description: 'Not ready, with the reasons', schema: z.object({ status: z.literal('not ready'), reasons: z.array(z.string()) }) },
      },
      handler: async (ctx) => {
        const reasons = (await Promise.all(readiness.map((check) => check()))).filter((reason): reason is string => !!reason);
        ctx.status = reasons.length ? 503 : 200;
        ctx.body = reasons.length ? { status: 'not ready', reasons } : { status: 'ready' };
      },
    },
  ];
}
