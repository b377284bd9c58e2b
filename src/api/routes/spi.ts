import Router from '@koa/router';
import type { Context } from 'koa';
import { handleSpiRequest, type SpiDeps } from '../../spi';
import type { ApiDeps } from '../app';
import { requireAuth } from '../auth';

/** The SPI service's needs, taken from the API's. */
export function spiDepsFrom(deps: ApiDeps): SpiDeps {
  return {
    client: deps.client,
    registry: deps.registry,
    log: deps.log,
    taskQueue: deps.taskQueue,
    namespace: deps.settings.TEMPORAL_NAMESPACE,
    temporalUiUrl: deps.temporalUiUrl,
    publicUrl: deps.settings.TETHER_PUBLIC_URL,
    syncWindowMs: deps.settings.TETHER_SYNC_WINDOW_MS,
  };
}

/**
 * The SPI over HTTP: a thin adapter onto the transport-independent service (src/spi), behind SPI or admin
 * credentials. `GET /rcf/health` (unauthenticated) lives in the health router. Its `/{connector}/{action}`
 * route matches any two segments, so this router goes last in the app's list.
 */
export function createSpiRouter(deps: ApiDeps): Router {
  const spi = spiDepsFrom(deps);
  const router = new Router();
  const relay = async (ctx: Context) => {
    const answer = await handleSpiRequest(spi, { method: ctx.method, path: ctx.path, headers: ctx.headers, body: ctx.request.body });
    ctx.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
    ctx.body = answer.body;
  };
  const auth = requireAuth(deps.credentials, ['spi', 'admin']);
  router.get('/rcf/descriptor', auth, relay);
  router.get('/rcf/executions/*executionId', auth, relay);
  router.all('/:connectorPath/:actionPath', auth, relay);
  return router;
}
