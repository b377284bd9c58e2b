import { z } from 'zod';
import { ErrorBody } from '../contracts/errors';
import { NotFoundError } from '../errors';
import { parseOrThrow } from '../errors/validation';
import type { HubRoute } from './auth';
import { Privilege, type CredentialStore, type StoredConnector } from './credential-store';
import { ConnectorId } from './frames';
import type { Relay } from './relay';

export const PutConnectorBody = z.object({
  secret: z.string().min(16, 'must be at least 16 characters').max(1024),
  privileges: z.array(Privilege),
});
export type PutConnectorBody = z.infer<typeof PutConnectorBody>;

/** A registered connector as the admin API shows it: privileges and connection, never the secret or its hash. */
function view(connector: StoredConnector, relay: Relay) {
  return {
    id: connector.id,
    privileges: connector.privileges,
    createdAt: connector.createdAt,
    updatedAt: connector.updatedAt,
    ...relay.record(connector.id),
  };
}

const ConnectorView = z.object({ id: ConnectorId, privileges: z.array(Privilege), createdAt: z.string(), updatedAt: z.string() }).loose();
const idParam = z.object({ id: ConnectorId });
const prefix = '/admin/connectors';
const tag = 'hub-admin';

/** `/admin/connectors`: register connectors (id, secret, privileges) and see their connections. Hub admin token. */
export function adminRoutes(store: CredentialStore, relay: Relay): HubRoute[] {
  const find = (id: string) => {
    const connector = store.get(id);
    if (!connector) throw new NotFoundError(`Connector ${id} is not registered`, { known: store.list().map((c) => c.id) });
    return connector;
  };
  return [
    {
      method: 'get',
      path: prefix,
      summary: 'Registered connectors and their connections',
      tag,
      auth: 'hub-admin',
      responses: { 200: { description: 'Connectors', schema: z.object({ connectors: z.array(ConnectorView) }) } },
      handler: (ctx) => {
        ctx.body = { connectors: store.list().map((connector) => view(connector, relay)) };
      },
    },
    {
      method: 'get',
      path: `${prefix}/:id`,
      summary: 'One registered connector',
      tag,
      auth: 'hub-admin',
      params: idParam,
      responses: { 200: { description: 'The connector', schema: ConnectorView }, 404: { description: 'Not registered', schema: ErrorBody } },
      handler: (ctx) => {
        ctx.body = view(find(ctx.params.id!), relay);
      },
    },
    {
      method: 'put',
      path: `${prefix}/:id`,
      summary: 'Register a connector or replace its secret and privileges (a changed secret revokes its connection)',
      tag,
      auth: 'hub-admin',
      params: idParam,
      body: PutConnectorBody,
      responses: { 200: { description: 'Replaced', schema: ConnectorView }, 201: { description: 'Registered', schema: ConnectorView }, 400: { description: 'Invalid id or body', schema: ErrorBody } },
      handler: async (ctx) => {
        const id = ctx.params.id!;
        const body = parseOrThrow(PutConnectorBody, ctx.request.body);
        const { created, secretChanged } = await store.put(id, body.secret, body.privileges);
        // A connection authenticated with the old secret must not outlive it.
        if (secretChanged) relay.revoke(id, 'the connector secret was changed');
        ctx.status = created ? 201 : 200;
        ctx.body = view(store.get(id)!, relay);
      },
    },
    {
      method: 'delete',
      path: `${prefix}/:id`,
      summary: 'Remove a connector registration (its connection is closed)',
      tag,
      auth: 'hub-admin',
      params: idParam,
      responses: { 204: { description: 'Removed' }, 404: { description: 'Not registered', schema: ErrorBody } },
      handler: async (ctx) => {
        const id = find(ctx.params.id!).id;
        await store.remove(id);
        relay.revoke(id, 'the connector registration was removed');
        ctx.status = 204;
      },
    },
  ];
}
