import { z } from 'zod';
import { ErrorBody } from '../contracts/errors';
import { apiPolicies, type ApiPrincipal, type ApiRouteDoc } from './auth';
import { CODEC_SESSION_COOKIE } from './codec-session';
import { paramsSchema } from './route';

/** One documented route of the API (the routes themselves carry these fields: see route.ts). */
export type OperationDoc = ApiRouteDoc;

/** The OpenAPI security scheme(s) each principal authenticates with. */
const principalSchemes: Record<ApiPrincipal, string[]> = {
  spi: ['spiBasic', 'spiBearer'],
  admin: ['adminBearer'],
  'admin-password': ['adminBasic'],
  'codec-session': ['codecSession'],
};

function security(auth: OperationDoc['auth']) {
  if (auth === 'public') return [];
  return apiPolicies[auth].flatMap((principal) => principalSchemes[principal]).map((scheme) => ({ [scheme]: [] }));
}

/** The JSON error body every Tether endpoint answers with (DESIGN §4). */
export { ErrorBody as ErrorBodySchema } from '../contracts/errors';

/** JSON Schema keywords OpenAPI 3.0 schema objects do not have: dropped, or mapped onto what 3.0 has. */
function toOpenApi30(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi30);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'contentMediaType') continue;
    if (key === 'contentEncoding') out.format = value === 'base64' ? 'byte' : value;
    else if (key === 'const') out.enum = [value];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    }
    else out[key] = toOpenApi30(value);
  }
  return out;
}

function toSchema(schema: z.ZodType, io: 'input' | 'output') {
  return toOpenApi30(z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }));
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/**
 * Answers every route can give besides its own: 401/403 where credentials are required, 400 where a path
 * parameter, query or body is checked, 413/415 where a body is read. Documented from the declaration, so the
 * document cannot forget them.
 */
function standardResponses(doc: OperationDoc): OperationDoc['responses'] {
  const schema = doc.errorSchema ?? ErrorBody;
  const responses: OperationDoc['responses'] = {};
  if (Object.keys(paramsSchema(doc).shape).length > 0 || doc.query !== undefined || doc.body !== undefined) {
    responses[400] = { description: 'Invalid path parameter, query or body; details name each field', schema };
  }
  if (doc.auth !== 'public') {
    responses[401] = { description: 'Missing or wrong credentials', schema };
    responses[403] = { description: 'Valid credentials of a caller this operation does not admit', schema };
  }
  if (doc.body) {
    responses[413] = { description: 'Body over the size limit', schema };
    responses[415] = { description: 'Body not JSON', schema };
  }
  return responses;
}

function operation(doc: OperationDoc) {
  const pathParams = Object.entries(paramsSchema(doc).shape).map(([name, schema]) => ({ name, in: 'path', required: true, schema: toSchema(schema as z.ZodType, 'input') }));
  const queryParams = doc.query
    ? Object.entries(doc.query.shape).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: toSchema(schema as z.ZodType, 'input'),
      }))
    : [];
  const headerParams = Object.entries(doc.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } }));
  return {
    summary: doc.summary,
    tags: [doc.tag],
    operationId: `${doc.method}${toOpenApiPath(doc.path).replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: security(doc.auth),
    ...(pathParams.length + queryParams.length + headerParams.length ? { parameters: [...pathParams, ...queryParams, ...headerParams] } : {}),
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(doc.body, 'input') } } } } : {}),
    responses: Object.fromEntries(
      Object.entries({ ...standardResponses(doc), ...doc.responses }).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: toSchema(response.schema, 'output') } } } : {}),
        },
      ]),
    ),
  };
}

/** Builds the OpenAPI 3.0 document of the given operations. */
export function buildOpenApiDocument(docs: OperationDoc[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) (paths[toOpenApiPath(doc.path)] ??= {})[doc.method] = operation(doc);
  return {
    openapi: '3.0.3',
    info: {
      title: 'Tether',
      version,
      description: 'Remote Connector SPI, integration daemon, metadata and operations endpoints. Every action runs as a durable Temporal workflow.',
    },
    paths,
    components: {
      securitySchemes: {
        spiBasic: { type: 'http', scheme: 'basic', description: 'TETHER_SPI_USER / TETHER_SPI_PASSWORD (what the catalog sends)' },
        spiBearer: { type: 'http', scheme: 'bearer', description: 'TETHER_SPI_TOKEN' },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'TETHER_ADMIN_TOKEN' },
        adminBasic: { type: 'http', scheme: 'basic', description: 'Any user name, TETHER_ADMIN_TOKEN as the password (a browser login prompt)' },
        codecSession: { type: 'apiKey', in: 'cookie', name: CODEC_SESSION_COOKIE, description: 'Session cookie from GET /codec/login (codec endpoints only)' },
      },
      schemas: { ErrorBody: toSchema(ErrorBody, 'output') },
    },
  };
}
