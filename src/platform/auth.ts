import type { Context } from 'koa';
import { presentedCredentials, safeEqual } from '../api/auth';
import type { Authentication, Route } from '../api/route';

/** Who called the hub's HTTP API: its administrator, or a platform user (who may relay SPI calls, not administer connectors). */
export type HubPrincipal = 'hub-admin' | 'platform-user';

/** The hub's access policies: what a hub route's `auth` may name, and the principals each admits. */
export const hubPolicies = {
  'hub-admin': ['hub-admin'],
  'platform-user': ['platform-user', 'hub-admin'],
} as const satisfies Record<string, readonly HubPrincipal[]>;
export type HubAuth = keyof typeof hubPolicies;
export type HubRoute = Route<HubAuth>;

/**
 * A platform user: a Bearer token and what it may reach, in the connectors' pattern language (`privileges.ts`):
 * `behaviours:acme/prod` for a tenant's user, `myconnector/*` or `*` for the platform's own services. A relayed call
 * needs both the connector's privileges and the caller's, so one tenant's token reaches no other tenant's behaviours,
 * their executions, or the connection instances behind the SPI.
 */
export interface PlatformUser {
  token: string;
  privileges: readonly string[];
}

export interface PlatformTokens {
  adminToken: string;
  users: readonly PlatformUser[];
}

/** What the hub admin may reach through a connector: whatever the connector's own privileges allow. */
const adminPrivileges = ['*'] as const;

/** The privileges of the caller a route admitted (`ctx.state.callerPrivileges`, set when it was identified). */
export function callerPrivileges(ctx: Context): readonly string[] {
  return (ctx.state.callerPrivileges as readonly string[] | undefined) ?? [];
}

export function identifyHubCaller(ctx: Context, tokens: PlatformTokens): HubPrincipal | 'none' | 'invalid' {
  const header = ctx.get('authorization');
  if (!header) return 'none';
  const given = presentedCredentials(header);
  if (given?.kind !== 'bearer') return 'invalid';
  const { token } = given;
  const admin = safeEqual(token, tokens.adminToken);
  // Every user token is compared, so the time taken does not say which one (if any) matched.
  const matches = tokens.users.map((user) => safeEqual(token, user.token));
  const user = tokens.users[matches.indexOf(true)];
  if (admin) ctx.state.callerPrivileges = adminPrivileges;
  else if (user) ctx.state.callerPrivileges = user.privileges;
  return admin ? 'hub-admin' : user ? 'platform-user' : 'invalid';
}

/** Bearer authentication of the hub: 401 without valid credentials, 403 for a principal the route does not admit. */
export function hubAuthentication(tokens: PlatformTokens): Authentication<HubAuth, HubPrincipal> {
  return { policies: hubPolicies, identify: (ctx) => identifyHubCaller(ctx, tokens), missing: 'Missing Authorization header (Bearer token)' };
}
