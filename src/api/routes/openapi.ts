import Router from '@koa/router';
import { z } from 'zod';
import { buildOpenApiDocument, type OperationDoc } from '../openapi';
import { version } from '../../../package.json';


/** `GET /openapi.json`: the document generated from the zod schemas the routes validate with. */
export function createOpenApiRouter(docs: OperationDoc[]): Router {
  const document = buildOpenApiDocument(docs, version);
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  return router;
}

export const openApiRouteDocs: OperationDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.0 document', schema: z.record(z.string(), z.unknown()) } },
  },
];
