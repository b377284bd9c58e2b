import { z } from 'zod';
import type { BehavioursManager } from '../../behaviours/manager';
import { BehavioursNetworkMode } from '../../behaviours/network-isolation';
import { SourceLocation } from '../../contracts/behaviours';
import type { ApiRoute } from '../auth';
import { NotFoundError } from '../../errors';
import { ErrorBodySchema } from '../openapi';

/** The documented shape of `GET /admin/behaviours` (the manager's `status()`). */
export const BehavioursStatusSchema = z.object({
  dir: z.string(),
  maxBuilds: z.number().int(),
  locked: z.boolean(),
  timeoutMs: z.number().int(),
  /** TETHER_BEHAVIOURS_NETWORK as enforced: `none (namespace)` (kernel and in-process), `none (in-process)` or `allow`. */
  network: BehavioursNetworkMode,
  manager: z.object({ pid: z.number().int(), rss: z.number() }),
  servers: z.array(
    z.object({
      pid: z.number().int().optional(),
      started: z.string(),
      builds: z.number().int(),
      versions: z.array(z.string()),
      inflight: z.number().int(),
      draining: z.boolean(),
      rss: z.number().optional(),
    }),
  ),
  scopes: z.array(
    z.object({
      tenant: z.string(),
      environment: z.string(),
      current: z.string().nullable(),
      versions: z.array(z.string()),
      lastBuildError: z.object({ version: z.string(), message: z.string(), location: SourceLocation.optional(), at: z.string() }).optional(),
    }),
  ),
});

/** `GET /admin/behaviours` (admin): what the Behaviours Manager of this process runs (DESIGN §9). */
export function behavioursRoutes(deps: { behaviours?: BehavioursManager }): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/admin/behaviours',
      summary: 'Behaviour Servers (pid, builds, versions, rss, started) and versions per tenant and environment (connector mode)',
      tag: 'behaviours',
      auth: 'admin',
      responses: {
        200: { description: 'Servers, current and downloaded versions, last build error', schema: BehavioursStatusSchema },
        404: { description: 'No Behaviours Manager in this process (not in connector mode, or no worker)', schema: ErrorBodySchema },
      },
      handler: async (ctx) => {
        if (!deps.behaviours) throw new NotFoundError('No Behaviours Manager runs in this process: behaviours run in a worker in connector mode (TETHER_PLATFORM_URL)');
        ctx.body = await deps.behaviours.status();
      },
    },
  ];
}
