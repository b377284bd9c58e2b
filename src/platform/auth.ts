import type { Middleware } from 'koa';
import { authorize, presentedCredentials, safeEqual } from '../api/auth';

/** Who called the hub's HTTP API. */
export type PlatformPrincipal = 'admin' | 'user';

export interface PlatformTokens {
  adminToken: string;
  /** Tokens of platform users: they may relay SPI calls, not administer connectors. */
  userTokens: readonly string[];
}

function identify(header: string, tokens: PlatformTokens): PlatformPrincipal | undefined {
  const given = presentedCredentials(header);
  if (given?.kind !== 'bearer') return undefined;
  const { token } = given;
  const admin = safeEqual(token, tokens.adminToken);
  // Every user token is compared, so the time taken does not say which one (if any) matched.
  const user = tokens.userTokens.map((candidate) => safeEqual(token, candidate)).includes(true);
  return admin ? 'admin' : user ? 'user' : undefined;
}

/** Bearer authentication of the hub: 401 without valid credentials, 403 for a principal not allowed here. */
export function requirePlatformAuth(tokens: PlatformTokens, allowed: PlatformPrincipal[]): Middleware {
  return authorize((header) => identify(header, tokens), allowed, 'Missing Authorization header (Bearer token)');
}
