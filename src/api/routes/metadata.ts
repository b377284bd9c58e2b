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

/** A definition's weak ETag: its updatedAt, which the metadata store makes unique per put (ETags are scoped to the URL). */
const definitionEtag = (updatedAt: string) => `W/"${updatedAt}"`;

/**
 * If-None-Match's weak comparison (RFC 9110 §13.1.2). Not Koa's ctx.fresh: it answers "stale" to any request with
 * Cache-Control: no-cache, which Node's fetch adds to every conditional request — the daemon's reader among them.
 */
function matchesAny(ifNoneMatch: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

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
      summary: 'One group definition, with an ETag; If-None-Match with the current one answers 304 without the definition',
      tag,
      auth: 'admin',
      responses: {
        200: { description: 'Definition (ETag header: its version)', schema: StoredGroupDefinition },
        304: { description: 'Not modified: the If-None-Match ETag is the current version; no body' },
        404: notDefined,
      },
      handler: async (ctx) => {
        const { metadataServerName, qualifiedName } = ctx.params as { metadataServerName: string; qualifiedName: string };
        const ifNoneMatch = ctx.get('if-none-match');
        if (ifNoneMatch) {
          // Only the version crosses from the store, not a definition that may be megabytes (issue #16).
          const etag = definitionEtag(await metadata.version(metadataServerName, qualifiedName));
          if (matchesAny(ifNoneMatch, etag)) {
            ctx.status = 304;
            ctx.etag = etag;
            return;
          }
        }
        const stored = await metadata.get(metadataServerName, qualifiedName);
        ctx.etag = definitionEtag(stored.updatedAt);
        ctx.body = stored;
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
