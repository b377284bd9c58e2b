import Router from '@koa/router';
import { ExecutionListQuery } from '../../contracts/executions';
import { ExecutionsService } from '../../operations/executions';
import type { ApiDeps } from '../app';
import { requireAuth } from '../auth';
import { parseOrThrow } from '../validate';

/** Executions API (DESIGN §7): list over visibility, inspect one, replay a failed one. Admin token. */
export function createExecutionsRouter(deps: ApiDeps): Router {
  const executions = new ExecutionsService(deps);
  const router = new Router({ prefix: '/admin/executions' });
  router.use(requireAuth(deps.credentials, ['admin']));
  router.get('/', async (ctx) => {
    const query = parseOrThrow(ExecutionListQuery, ctx.query, 'Query');
    ctx.body = { executions: await executions.list(query) };
  });
  router.get('/:executionId', async (ctx) => {
    ctx.body = await executions.get(ctx.params.executionId!);
  });
  router.post('/:executionId/replay', async (ctx) => {
    ctx.status = 202;
    ctx.body = await executions.replay(ctx.params.executionId!);
  });
  return router;
}
