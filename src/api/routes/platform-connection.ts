import { z } from 'zod';
import { WorkflowUpdateFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { reconnectPlatformUpdate, type PlatformConnectionStatus } from '../../contracts/platform-connection';
import { platformConnectionTarget, queryPlatformConnection, startPlatformConnection } from '../../platform/connector-mode';
import type { ApiRoute } from '../auth';
import { ApiError, NotFoundError } from '../../errors';
import { ErrorBodySchema } from '../openapi';

/** The documented shape of the connection status (the workflow's query answers it). */
export const PlatformConnectionStatusSchema = z.object({
  phase: z.enum(['STARTING', 'CONNECTED', 'RECONNECTING', 'FAILED', 'SUPERSEDED']),
  since: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  refused: z.boolean().optional(),
  connectionId: z.string().optional(),
  platformUrl: z.string(),
  connectorId: z.string(),
}) satisfies z.ZodType<PlatformConnectionStatus>;

export interface PlatformConnectionRouteDeps {
  client: Client;
  settings: Settings;
  taskQueue: string;
}

/** `GET /admin/platform-connection` (status) and `POST /admin/platform-connection/reconnect` (leave FAILED) — DESIGN §6. */
export function platformConnectionRoutes(deps: PlatformConnectionRouteDeps): ApiRoute[] {
  const target = () => {
    const found = platformConnectionTarget(deps.settings);
    if (!found) throw new NotFoundError('Tether is not in connector mode: set TETHER_PLATFORM_URL, TETHER_CONNECTOR_ID and TETHER_CONNECTOR_SECRET');
    return found;
  };
  return [
    {
      method: 'get',
      path: '/admin/platform-connection',
      summary: 'Status of the outbound connection to the platform (connector mode)',
      tag: 'platform',
      auth: 'admin',
      responses: {
        200: { description: 'Phase, since, attempts, next attempt, last error', schema: PlatformConnectionStatusSchema },
        404: { description: 'Not in connector mode', schema: ErrorBodySchema },
      },
      handler: async (ctx) => {
        const status = await queryPlatformConnection(deps.client, target().workflowId);
        if (!status) throw new NotFoundError('The platform connection has not been started');
        ctx.body = status;
      },
    },
    {
      method: 'post',
      path: '/admin/platform-connection/reconnect',
      summary: 'Leave FAILED (or restart a SUPERSEDED connection) and connect again',
      tag: 'platform',
      auth: 'admin',
      responses: {
        200: { description: 'The connection left FAILED and is RECONNECTING', schema: PlatformConnectionStatusSchema },
        202: { description: 'A superseded connection was started again', schema: PlatformConnectionStatusSchema },
        404: { description: 'Not in connector mode', schema: ErrorBodySchema },
        409: { description: 'The connection is not FAILED', schema: ErrorBodySchema },
      },
      handler: async (ctx) => {
        const { workflowId, input } = target();
        const current = await queryPlatformConnection(deps.client, workflowId);
        // A superseded connection has ended; reconnecting starts it again (and supersedes the other connector).
        if (!current || current.phase === 'SUPERSEDED') {
          await startPlatformConnection(deps.client, deps.taskQueue, { workflowId, input }, false);
          ctx.status = 202;
          ctx.body = await queryPlatformConnection(deps.client, workflowId);
          return;
        }
        try {
          ctx.body = await deps.client.workflow.getHandle(workflowId).executeUpdate(reconnectPlatformUpdate);
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError) throw new ApiError(409, 'NOT_FAILED', (err.cause as Error | undefined)?.message ?? err.message);
          if (err instanceof WorkflowNotFoundError) throw new NotFoundError('The platform connection has not been started');
          throw err;
        }
      },
    },
  ];
}
