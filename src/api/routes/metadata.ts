import { IntegrationGroupDefinition } from '../../contracts/metadata';
import type { MetadataClient } from '../../daemon/metadata-client';
import type { ApiRoute } from '../auth';
import { parseOrThrow } from '../../errors/validation';
import { ErrorBodySchema } from '../openapi';
import { z } from 'zod';

const prefix = '/metadata/servers/:metadataServerName/integration-groups';
const tag = 'metadata';
const StoredGroupDefinition = z.object({ qualifiedName: z.string(), definition: IntegrationGroupDefinition, updatedAt: z.string() });

const notDefined = { description: 'Not defined', schema: ErrorBodySchema };

/** Tether's metadata service: integration group definitions a daemon reads (DESIGN §5), editable at any time. Admin token. */
export function metadataRoutes(metadata: MetadataClient): ApiRoute[] {
  return [
    {
      method: 'get',
      path: prefix,
      summary: 'All integration group definitions of a metadata server',
      tag,
      auth: 'admin',
      responses: { 200: { description: 'Definitions', schema: z.object({ groups: z.array(StoredGroupDefinition) }) } },
      handler: async (ctx) => {
        ctx.body = { groups: await metadata.list(ctx.params.metadataServerName!) };
      },
    },
    {
      method: 'put',
      path: `${prefix}/:qualifiedName`,
      summary: 'Create or replace a group definition; daemons following it reconcile within seconds',
      tag,
      auth: 'admin',
      body: IntegrationGroupDefinition,
      responses: {
        200: { description: 'Replaced', schema: StoredGroupDefinition },
        201: { description: 'Created', schema: StoredGroupDefinition },
        400: { description: 'Invalid definition; details name each field', schema: ErrorBodySchema },
      },
      handler: async (ctx) => {
        const { metadataServerName, qualifiedName } = ctx.params as { metadataServerName: string; qualifiedName: string };
        const definition = parseOrThrow(IntegrationGroupDefinition, ctx.request.body);
        const { created, stored } = await metadata.put(metadataServerName, qualifiedName, definition);
        ctx.status = created ? 201 : 200;
        ctx.body = stored;
      },
    },
    {
      method: 'get',
      path: `${prefix}/:qualifiedName`,
      summary: 'One group definition',
      tag,
      auth: 'admin',
      responses: { 200: { description: 'Definition', schema: StoredGroupDefinition }, 404: notDefined },
      handler: async (ctx) => {
        const { metadataServerName, qualifiedName } = ctx.params as { metadataServerName: string; qualifiedName: string };
        ctx.body = await metadata.get(metadataServerName, qualifiedName);
      },
    },
    {
      method: 'delete',
      path: `${prefix}/:qualifiedName`,
      summary: 'Delete a group definition (daemons following it stop its connectors)',
      tag,
      auth: 'admin',
      responses: { 200: { description: 'Deleted', schema: z.object({ qualifiedName: z.string(), deleted: z.literal(true) }) }, 404: notDefined },
      handler: async (ctx) => {
        const { metadataServerName, qualifiedName } = ctx.params as { metadataServerName: string; qualifiedName: string };
        await metadata.delete(metadataServerName, qualifiedName);
        ctx.body = { qualifiedName, deleted: true };
      },
    },
  ];
}
