import { z } from 'zod';
import { ExecutionDetail, ExecutionListQuery, ExecutionSummary } from '../../contracts/executions';
import { ExecutionsService } from '../../operations/executions';
import type { ApiDeps } from '../app';
import type { ApiRoute } from '../auth';
import { ErrorBodySchema } from '../openapi';
import { parseOrThrow } from '../../errors/validation';

const notFound = { description: 'No such action or health-check execution', schema: ErrorBodySchema };

/** Executions API (DESIGN §7): list over visibility, inspect one, replay a failed one. Admin token. */
export function executionsRoutes(deps: ApiDeps): ApiRoute[] {
  const executions = new ExecutionsService(deps);
  return [
    {
      method: 'get',
      path: '/admin/executions',
      summary: 'List action and health-check executions (Temporal visibility)',
      tag: 'operations',
      auth: 'admin',
      query: ExecutionListQuery,
      responses: { 200: { description: 'Matching executions, newest first', schema: z.object({ executions: z.array(ExecutionSummary) }) }, 400: { description: 'A bad filter', schema: ErrorBodySchema } },
      handler: async (ctx) => {
        const query = parseOrThrow(ExecutionListQuery, ctx.query, 'Query');
        ctx.body = { executions: await executions.list(query) };
      },
    },
    {
      method: 'get',
      path: '/admin/executions/:executionId',
      summary: 'One execution: inputs (secret fields redacted), outputs, failure, attempts, UI link',
      tag: 'operations',
      auth: 'admin',
      responses: { 200: { description: 'The execution', schema: ExecutionDetail }, 404: notFound },
      handler: async (ctx) => {
        ctx.body = await executions.get(ctx.params.executionId!);
      },
    },
    {
      method: 'post',
      path: '/admin/executions/:executionId/replay',
      summary: 'Run a failed or terminated execution again with the same inputs, as a new execution tagged TetherReplayOf',
      tag: 'operations',
      auth: 'admin',
      headers: {
        'Idempotency-Key':
          "Names the replay: the same key answers the same replay (the key reused to replay another execution: 422). Without one the replay is keyed by the original's run, so asking twice never runs it twice",
      },
      responses: {
        202: { description: 'The replay, with its own status and times (X-Tether-Execution-Ui: its run in the Temporal UI)', schema: ExecutionSummary.extend({ replayOf: z.string() }) },
        404: notFound,
        409: { description: 'The execution is running or succeeded', schema: ErrorBodySchema },
        422: { description: '`IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key already names the replay of another execution', schema: ErrorBodySchema },
      },
      handler: async (ctx) => {
        const replay = await executions.replay(ctx.params.executionId!, ctx.get('idempotency-key') || undefined);
        ctx.status = 202;
        ctx.set('X-Tether-Execution-Id', replay.executionId);
        if (replay.links.ui) ctx.set('X-Tether-Execution-Ui', replay.links.ui);
        ctx.body = replay;
      },
    },
  ];
}
