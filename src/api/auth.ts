import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Credentials } from '../config/credentials';
import { ApiError } from './errors';

/** Constant-time comparison that does not leak the length of the expected value. */
export function safeEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** What an Authorization header carries, scheme decoded. */
export type PresentedCredentials = { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string } | undefined;

export function presentedCredentials(header: string): PresentedCredentials {
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return { kind: 'bearer', token: value };
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** Which caller a credential identifies, if any. */
export type Principal = 'admin' | 'spi';

export function identify(header: string, credentials: Credentials): Principal | undefined {
  const given = presentedCredentials(header);
  if (!given) return undefined;
  if (given.kind === 'bearer') {
    if (safeEqual(given.token, credentials.adminToken)) return 'admin';
    if (credentials.spiToken !== undefined && safeEqual(given.token, credentials.spiToken)) return 'spi';
    return undefined;
  }
  if (credentials.spiUser === undefined || credentials.spiPassword === undefined) return undefined;
  const userOk = safeEqual(given.user, credentials.spiUser);
  const passwordOk = safeEqual(given.password, credentials.spiPassword);
  return userOk && passwordOk ? 'spi' : undefined;
}

/**
 * Lets a request through when its Authorization header identifies one of the allowed principals:
 * 401 when none or wrong credentials are given, 403 when valid credentials of another kind are.
 */
export function authorize<P extends string>(identifyHeader: (header: string) => P | undefined, allowed: P[], missing: string): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (!header) throw new ApiError(401, 'UNAUTHENTICATED', missing);
    const principal = identifyHeader(header);
    if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid credentials');
    if (!allowed.includes(principal)) throw new ApiError(403, 'FORBIDDEN', `These credentials may not call ${ctx.path}`);
    ctx.state.principal = principal;
    return next();
  };
}

/** Tether's own credentials: HTTP Basic or Bearer for the SPI, Bearer admin token for admin routes. */
export function requireAuth(credentials: Credentials, allowed: Principal[]): Middleware {
  return authorize((header) => identify(header, credentials), allowed, 'Missing Authorization header (HTTP Basic or Bearer)');
}
