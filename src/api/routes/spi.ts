import type { Context } from 'koa';
import { z } from 'zod';
import { ActionAnswer, ActionCall, Descriptor, ExecutionView, HealthCheckAnswer, HealthCheckCall } from '../../contracts/spi';
import type { ConnectorRegistry } from '../../connectors/registry';
import { handleSpiRequest } from '../../spi';
import { spiDepsFor } from '../../spi/request';
import { actionInputsSchema } from '../../spi/input-schema';
import type { ApiDeps } from '../app';
import type { ApiRoute } from '../auth';
import { ErrorBodySchema, type OperationDoc } from '../openapi';

const executionHeaders = {
  'Idempotency-Key': 'Same key and same request → same execution (never a second run); the original result is answered again. The key reused with another request (other inputs or connection instance) → 422 `IDEMPOTENCY_KEY_REUSED`',
  Prefer: '`respond-async` answers 202 at once instead of waiting for the result',
};
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: spiErrorDescriptions[status]!, schema: ErrorBodySchema }]));
const spiErrorDescriptions: Record<number, string> = {
  400: 'Validation failed; details name every bad field (`inputs.quantity: expected Integer`)',
  401: 'Missing or wrong credentials',
  404: 'Unknown connector, action or connection instance (details list the known ones)',
  422: 'The connector reported a business failure (details passed on), or `IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key already names another request (`executionId` is its execution)',
  502: 'Target unreachable, or retries exhausted',
  504: 'Target or execution timed out',
};

/**
 * The SPI over HTTP: a thin adapter onto the transport-independent service (src/spi), behind SPI or admin
 * credentials. `GET /rcf/health` (public) lives with the health routes. Its `/{connector}/{action}` route
 * matches any two segments, so these routes go last in the table.
 */
export function spiRoutes(deps: ApiDeps): ApiRoute[] {
  const spi = spiDepsFor(deps);
  const relay = async (ctx: Context) => {
    const answer = await handleSpiRequest(spi, { method: ctx.method, path: ctx.path, headers: ctx.headers, body: ctx.request.body });
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
    ctx.body = answer.body;
  };
  return [
    {
      method: 'get',
      path: '/rcf/descriptor',
      summary: 'Server descriptor: connectors, connection instances, actions (seed 002)',
      tag: 'spi',
      auth: 'spi',
      responses: { 200: { description: 'The descriptor', schema: Descriptor }, ...errors(401) },
      handler: relay,
    },
    {
      method: 'get',
      path: '/rcf/executions/:executionId',
      summary: 'Status of an action or health-check execution, with its outputs or error',
      tag: 'spi',
      auth: 'spi',
      responses: { 200: { description: 'The execution', schema: ExecutionView }, ...errors(401, 404) },
      handler: relay,
    },
    {
      // Also serves `com.bmc.dsm.catalog:checkHealth` (the service tells it from an action by its path).
      method: 'post',
      path: '/:connectorPath/:actionPath',
      summary: 'Run an action (or, at `com.bmc.dsm.catalog:checkHealth`, check a connection instance) as a durable execution',
      tag: 'spi',
      auth: 'spi',
      headers: executionHeaders,
      body: z.union([ActionCall, HealthCheckCall]),
      responses: {
        200: { description: 'Outputs of the action, or the health report (always 200 for checkHealth)', schema: z.union([ActionAnswer, HealthCheckAnswer]) },
        202: { description: 'Still running past the sync window, or `Prefer: respond-async`', schema: ExecutionView },
        ...errors(400, 401, 404, 422, 502, 504),
      },
      handler: relay,
    },
  ];
}

/** One OpenAPI entry per configured action, its inputs typed from the same schema that validates them. */
export function spiActionDocs(registry: ConnectorRegistry): OperationDoc[] {
  return registry.list().flatMap(({ definition }) =>
    definition.actions.map(
      (action): OperationDoc => ({
        method: 'post',
        path: `/${definition.path}/${action.path}`,
        summary: `${definition.name}: ${action.displayName}`,
        tag: `connector ${definition.path}`,
        auth: 'spi',
        headers: executionHeaders,
        body: ActionCall.extend({ inputs: actionInputsSchema(action.inputs) }),
        responses: {
          200: { description: 'Outputs of the action', schema: ActionAnswer },
          202: { description: 'Still running past the sync window, or `Prefer: respond-async`', schema: ExecutionView },
          ...errors(400, 401, 404, 422, 502, 504),
        },
      }),
    ),
  );
}
