import Router from '@koa/router';
import { z } from 'zod';
import { NotFoundError } from '../api/errors';
import { parseOrThrow } from '../api/validate';
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

/** `/admin/connectors`: register connectors (id, secret, privileges) and see their connections. */
export function createAdminRouter(store: CredentialStore, relay: Relay): Router {
  const router = new Router({ prefix: '/admin/connectors' });
  const idOf = (raw: string) => parseOrThrow(z.object({ id: ConnectorId }), { id: raw }, 'Connector id').id;
  const find = (id: string) => {
    const connector = store.get(idOf(id));
    if (!connector) throw new NotFoundError(`Connector ${id} is not registered`, { known: store.list().map((c) => c.id) });
    return connector;
  };

  router.get('/', (ctx) => {
    ctx.body = { connectors: store.list().map((connector) => view(connector, relay)) };
  });
  router.get('/:id', (ctx) => {
    ctx.body = view(find(ctx.params.id!), relay);
  });
  router.put('/:id', async (ctx) => {
    const id = idOf(ctx.params.id!);
    const body = parseOrThrow(PutConnectorBody, ctx.request.body);
    const { created, secretChanged } = await store.put(id, body.secret, body.privileges);
    // A connection authenticated with the old secret must not outlive it.
    if (secretChanged) relay.revoke(id, 'the connector secret was changed');
    ctx.status = created ? 201 : 200;
    ctx.body = view(store.get(id)!, relay);
  });
  router.delete('/:id', async (ctx) => {
    const id = find(ctx.params.id!).id;
    await store.remove(id);
    relay.revoke(id, 'the connector registration was removed');
    ctx.status = 204;
  });
  return router;
}
