import type { Middleware } from 'koa';
import { safeEqual } from '../api/auth';
import { ApiError } from '../api/errors';

/** Who called the hub's HTTP API. */
export type PlatformPrincipal = 'admin' | 'user';

export interface PlatformTokens {
  adminToken: string;
  /** Tokens of platform users: they may relay SPI calls, not administer connectors. */
  userTokens: readonly string[];
}

function identify(header: string, tokens: PlatformTokens): PlatformPrincipal | undefined {
  const [scheme, token] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  const admin = safeEqual(token, tokens.adminToken);
  // Every user token is compared, so the time taken does not say which one (if any) matched.
  const user = tokens.userTokens.map((candidate) => safeEqual(token, candidate)).includes(true);
  return admin ? 'admin' : user ? 'user' : undefined;
}

/** Bearer authentication of the hub: 401 without valid credentials, 403 for a principal not allowed here. */
export function requirePlatformAuth(tokens: PlatformTokens, allowed: PlatformPrincipal[]): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (!header) throw new ApiError(401, 'UNAUTHENTICATED', 'Missing Authorization header (Bearer token)');
    const principal = identify(header, tokens);
    if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid credentials');
    if (!allowed.includes(principal)) throw new ApiError(403, 'FORBIDDEN', `These credentials may not call ${ctx.path}`);
    ctx.state.principal = principal;
    return next();
  };
}
