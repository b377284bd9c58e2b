import { z } from 'zod';
import { version } from '../../../package.json';
import type { ApiRoute } from '../auth';
import { buildOpenApiDocument, type OperationDoc } from '../openapi';

/** `GET /openapi.json`: the document generated from the route table (given late, since it contains this route too). */
export function openApiRoute(docs: () => OperationDoc[]): ApiRoute {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return {
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'meta',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.0 document', schema: z.record(z.string(), z.unknown()) } },
    handler: (ctx) => {
      document ??= buildOpenApiDocument(docs(), version);
      ctx.body = document;
    },
  };
}
