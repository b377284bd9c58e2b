import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ApiError, NotFoundError } from '../api/errors';
import { parseOrThrow } from '../api/validate';
import { BehaviourCallBody, BehaviourName, BehaviourVersion, PutBehavioursBody, RollbackBody, ScopeCode, type CurrentBehaviour } from '../contracts/behaviours';
import type { BehaviourStore } from './behaviour-store';
import type { CredentialStore } from './credential-store';
import { mayRunBehaviours } from './privileges';
import { notConnected, type Relay } from './relay';

const Scope = z.object({ tenant: ScopeCode, environment: ScopeCode });

function scopeOf(ctx: Context) {
  return parseOrThrow(Scope, { tenant: ctx.params.tenant, environment: ctx.params.environment }, 'Path');
}

/** Tells every connected connector allowed to run this tenant and environment which version is current now. */
export function announceBehaviour(credentials: CredentialStore, relay: Relay, current: CurrentBehaviour): void {
  for (const connection of relay.all()) {
    const registered = credentials.get(connection.connectorId);
    if (registered && mayRunBehaviours(registered.privileges, current.tenant, current.environment)) {
      connection.send({ type: 'behaviours', current: [current] });
    }
  }
}

/**
 * `/admin/behaviours/{tenant}/{environment}` (admin): deploy a version (`PUT`, made current), list versions
 * (`GET`), read one (`GET …/versions/{version}`), roll back (`POST …/rollback`). Connected connectors with the
 * privilege are told at once, before the answer, so a call sent after it runs the new version.
 */
export function createBehavioursAdminRouter(store: BehaviourStore, credentials: CredentialStore, relay: Relay): Router {
  const router = new Router({ prefix: '/admin/behaviours' });
  router.get('/', (ctx) => {
    ctx.body = { current: store.currents() };
  });
  router.put('/:tenant/:environment', async (ctx) => {
    const { tenant, environment } = scopeOf(ctx);
    const body = parseOrThrow(PutBehavioursBody, ctx.request.body);
    const { version, created } = await store.deploy(tenant, environment, body.entry, body.files);
    announceBehaviour(credentials, relay, { tenant, environment, version });
    ctx.status = created ? 201 : 200;
    ctx.body = { tenant, environment, version, current: version, created };
  });
  router.get('/:tenant/:environment', (ctx) => {
    const { tenant, environment } = scopeOf(ctx);
    ctx.body = store.list(tenant, environment);
  });
  router.get('/:tenant/:environment/versions/:version', async (ctx) => {
    const { tenant, environment } = scopeOf(ctx);
    const { version } = parseOrThrow(z.object({ version: BehaviourVersion }), { version: ctx.params.version }, 'Path');
    const bundle = await store.bundle(tenant, environment, version);
    if (!bundle) throw new NotFoundError(`No version ${version} of ${tenant}/${environment}`, { known: store.list(tenant, environment).versions.map((known) => known.version) });
    ctx.body = bundle;
  });
  router.post('/:tenant/:environment/rollback', async (ctx) => {
    const { tenant, environment } = scopeOf(ctx);
    const { version } = parseOrThrow(RollbackBody, ctx.request.body);
    if (!(await store.rollback(tenant, environment, version))) {
      throw new NotFoundError(`No version ${version} of ${tenant}/${environment}`, { known: store.list(tenant, environment).versions.map((known) => known.version) });
    }
    announceBehaviour(credentials, relay, { tenant, environment, version });
    ctx.body = { tenant, environment, current: version };
  });
  return router;
}

/**
 * `POST /connectors/{id}/behaviours/{tenant}/{environment}/{name}` `{input}` → `{output}`: runs a behaviour on
 * that connector (auth as the SPI relay). 404 unknown connector, 403 without `behaviours:{tenant}/{environment}`,
 * 503 not connected; the connector answers the rest (400 build error, 404 unknown behaviour, 422 thrown, 504 timeout).
 */
export function createBehaviourCallRouter(credentials: CredentialStore, relay: Relay, timeoutMs: number): Router {
  const router = new Router();
  router.post('/connectors/:id/behaviours/:tenant/:environment/:name', async (ctx) => {
    const id = ctx.params.id!;
    const registered = credentials.get(id);
    if (!registered) throw new NotFoundError(`Connector ${id} is not registered`);
    const { tenant, environment } = scopeOf(ctx);
    const { name } = parseOrThrow(z.object({ name: BehaviourName }), { name: ctx.params.name }, 'Path');
    if (!mayRunBehaviours(registered.privileges, tenant, environment)) {
      throw new ApiError(403, 'FORBIDDEN', `Connector ${id} has no privilege behaviours:${tenant}/${environment}`, { privileges: registered.privileges });
    }
    const { input } = parseOrThrow(BehaviourCallBody, ctx.request.body ?? {});
    const connection = relay.get(id);
    if (!connection) throw notConnected(id);
    const idempotencyKey = ctx.get('idempotency-key') || undefined;
    const prefer = ctx.get('prefer') || undefined;
    const response = await connection.callBehaviour({ tenant, environment, name, input, idempotencyKey, prefer }, timeoutMs);
    ctx.status = response.status;
    for (const [header, value] of Object.entries(response.headers ?? {})) ctx.set(header, value);
    ctx.set('X-Tether-Connection-Id', connection.connectionId);
    ctx.body = response.body ?? '';
  });
  return router;
}
