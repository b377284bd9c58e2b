import { z } from 'zod';
import { ApiError, NotFoundError } from '../errors';
import { parseOrThrow } from '../errors/validation';
import {
  BehaviourBundle,
  BehaviourCallBody,
  BehaviourName,
  BehaviourVersion,
  BehaviourVersions,
  CurrentBehaviour,
  PutBehavioursBody,
  RollbackBody,
  ScopeCode,
} from '../contracts/behaviours';
import { ErrorBody } from '../contracts/errors';
import { callerPrivileges, type HubRoute } from './auth';
import type { BehaviourStore } from './behaviour-store';
import type { CredentialStore } from './credential-store';
import { ConnectorId } from './frames';
import { mayRunBehaviours } from './privileges';
import { notConnected, type Relay } from './relay';
import { setRelayedHeaders } from './relay-router';

const ScopeParams = z.object({ tenant: ScopeCode, environment: ScopeCode });
const prefix = '/admin/behaviours/:tenant/:environment';
const tag = 'behaviours';

/** Tells every connected connector allowed to run this tenant and environment which version is current now. */
export function announceBehaviour(credentials: CredentialStore, relay: Relay, current: CurrentBehaviour): void {
  for (const connection of relay.all()) {
    const registered = credentials.get(connection.connectorId);
    if (registered && mayRunBehaviours(registered.privileges, current.tenant, current.environment)) {
      connection.send({ type: 'behaviours', current: [current] });
    }
  }
}

const unknownVersion = (store: BehaviourStore, tenant: string, environment: string, version: string) =>
  new NotFoundError(`No version ${version} of ${tenant}/${environment}`, { known: store.list(tenant, environment).versions.map((known) => known.version) });

/**
 * `/admin/behaviours/{tenant}/{environment}` (hub admin): deploy a version (`PUT`, made current), list versions
 * (`GET`), read one (`GET …/versions/{version}`), roll back (`POST …/rollback`). Connected connectors with the
 * privilege are told before the answer goes out, so a call sent after it runs the new version.
 */
export function behavioursAdminRoutes(store: BehaviourStore, credentials: CredentialStore, relay: Relay): HubRoute[] {
  return [
    {
      method: 'get',
      path: '/admin/behaviours',
      summary: 'Current behaviour version of every tenant and environment',
      tag,
      auth: 'hub-admin',
      responses: { 200: { description: 'Current versions', schema: z.object({ current: z.array(CurrentBehaviour) }) } },
      handler: (ctx) => {
        ctx.body = { current: store.currents() };
      },
    },
    {
      method: 'put',
      path: prefix,
      summary: `Deploy behaviours: store an immutable version (its content hash) and make it current (files at most ${1_000_000} bytes as JSON, 200 files)`,
      tag,
      auth: 'hub-admin',
      params: ScopeParams,
      body: PutBehavioursBody,
      responses: {
        200: { description: 'The same content was deployed before: that version is current', schema: z.object({ version: BehaviourVersion, created: z.boolean() }).loose() },
        201: { description: 'A new version, now current', schema: z.object({ version: BehaviourVersion, created: z.boolean() }).loose() },
        400: { description: 'Invalid tenant, environment, files or entry', schema: ErrorBody },
      },
      handler: async (ctx) => {
        const { tenant, environment } = ctx.params as z.infer<typeof ScopeParams>;
        const body = parseOrThrow(PutBehavioursBody, ctx.request.body);
        const { version, created } = await store.deploy(tenant, environment, body.entry, body.files);
        announceBehaviour(credentials, relay, { tenant, environment, version });
        ctx.status = created ? 201 : 200;
        ctx.body = { tenant, environment, version, current: version, created };
      },
    },
    {
      method: 'get',
      path: prefix,
      summary: 'Versions of one tenant and environment, and the current one',
      tag,
      auth: 'hub-admin',
      params: ScopeParams,
      responses: { 200: { description: 'Versions', schema: BehaviourVersions } },
      handler: (ctx) => {
        const { tenant, environment } = ctx.params as z.infer<typeof ScopeParams>;
        ctx.body = store.list(tenant, environment);
      },
    },
    {
      method: 'get',
      path: `${prefix}/versions/:version`,
      summary: 'One version with its files',
      tag,
      auth: 'hub-admin',
      params: ScopeParams.extend({ version: BehaviourVersion }),
      responses: { 200: { description: 'The version', schema: BehaviourBundle }, 404: { description: 'No such version', schema: ErrorBody } },
      handler: async (ctx) => {
        const { tenant, environment, version } = ctx.params as { tenant: string; environment: string; version: string };
        const bundle = await store.bundle(tenant, environment, version);
        if (!bundle) throw unknownVersion(store, tenant, environment, version);
        ctx.body = bundle;
      },
    },
    {
      method: 'post',
      path: `${prefix}/rollback`,
      summary: 'Make an earlier version current again',
      tag,
      auth: 'hub-admin',
      params: ScopeParams,
      body: RollbackBody,
      responses: {
        200: { description: 'The version is current', schema: z.object({ tenant: ScopeCode, environment: ScopeCode, current: BehaviourVersion }) },
        404: { description: 'No such version (the known ones listed)', schema: ErrorBody },
      },
      handler: async (ctx) => {
        const { tenant, environment } = ctx.params as z.infer<typeof ScopeParams>;
        const { version } = parseOrThrow(RollbackBody, ctx.request.body);
        if (!(await store.rollback(tenant, environment, version))) throw unknownVersion(store, tenant, environment, version);
        announceBehaviour(credentials, relay, { tenant, environment, version });
        ctx.body = { tenant, environment, current: version };
      },
    },
  ];
}

const CallParams = ScopeParams.extend({ id: ConnectorId, name: BehaviourName });

/**
 * `POST /connectors/{id}/behaviours/{tenant}/{environment}/{name}` `{input}` → `{output}`: runs a behaviour on
 * that connector (auth as the SPI relay). 404 unknown connector, 403 without `behaviours:{tenant}/{environment}`,
 * 503 not connected; the connector answers the rest (400 build error, 404 unknown behaviour, 422 thrown, 504 timeout).
 * Listed before the SPI relay, whose `/connectors/{id}/{*path}` would claim it.
 */
export function behaviourCallRoutes(credentials: CredentialStore, relay: Relay, timeoutMs: number): HubRoute[] {
  return [
    {
      method: 'post',
      path: '/connectors/:id/behaviours/:tenant/:environment/:name',
      summary: 'Run a behaviour on a connected connector as a durable execution',
      tag,
      auth: 'platform-user',
      params: CallParams,
      body: BehaviourCallBody,
      headers: { 'Idempotency-Key': 'a retried call with the same key returns the same execution; the key reused with another input answers 422', Prefer: '`respond-async`: answer 202 with the execution at once' },
      responses: {
        200: { description: 'The behaviour\'s output and the version that ran', schema: z.object({ output: z.unknown(), version: BehaviourVersion }) },
        202: { description: 'Still running (past the sync window, or Prefer: respond-async)' },
        400: { description: 'The current version does not build (file:line:col), or a bad path or body', schema: ErrorBody },
        403: { description: 'The connector has no privilege behaviours:{tenant}/{environment}', schema: ErrorBody },
        404: { description: 'Unknown connector, or no such behaviour (the known ones listed)', schema: ErrorBody },
        422: { description: 'The behaviour threw: its message and file:line; or `IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key already names a call with another input', schema: ErrorBody },
        503: { description: 'Connector not connected, or nothing deployed for the tenant and environment', schema: ErrorBody },
        504: { description: 'The behaviour ran past its timeout (its server was replaced)', schema: ErrorBody },
      },
      handler: async (ctx) => {
        const { id, tenant, environment, name } = ctx.params as z.infer<typeof CallParams>;
        // The caller's own privileges first: a tenant's token learns nothing about connectors outside them.
        if (!mayRunBehaviours(callerPrivileges(ctx), tenant, environment)) {
          throw new ApiError(403, 'FORBIDDEN', `These credentials have no privilege behaviours:${tenant}/${environment}`);
        }
        const registered = credentials.get(id);
        if (!registered) throw new NotFoundError(`Connector ${id} is not registered`);
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
        setRelayedHeaders(ctx, response.headers);
        ctx.set('X-Tether-Connection-Id', connection.connectionId);
        ctx.body = response.body ?? '';
      },
    },
  ];
}
