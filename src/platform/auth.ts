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

export interface PlatformTokens {
  adminToken: string;
  /** Bearer tokens of platform users. */
  userTokens: readonly string[];
}

export function identifyHubCaller(ctx: Context, tokens: PlatformTokens): HubPrincipal | 'none' | 'invalid' {
  const header = ctx.get('authorization');
  if (!header) return 'none';
  const given = presentedCredentials(header);
  if (given?.kind !== 'bearer') return 'invalid';
  const { token } = given;
  const admin = safeEqual(token, tokens.adminToken);
  // Every user token is compared, so the time taken does not say which one (if any) matched.
  const user = tokens.userTokens.map((candidate) => safeEqual(token, candidate)).includes(true);
  return admin ? 'hub-admin' : user ? 'platform-user' : 'invalid';
}

/** Bearer authentication of the hub: 401 without valid credentials, 403 for a principal the route does not admit. */
export function hubAuthentication(tokens: PlatformTokens): Authentication<HubAuth, HubPrincipal> {
  return { policies: hubPolicies, identify: (ctx) => identifyHubCaller(ctx, tokens), missing: 'Missing Authorization header (Bearer token)' };
}
