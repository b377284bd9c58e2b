import type { Context } from 'koa';
import type { Credentials } from '../config/credentials';
import { ApiError } from '../errors';
import { CODEC_SESSION_COOKIE, isValidCodecSession } from './codec-session';
import type { Authentication, Route, RouteDoc } from './route';
import { safeEqual } from './safe-equal';

export { safeEqual };

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

/**
 * Who is calling the API: `admin` (Bearer TETHER_ADMIN_TOKEN), `spi` (Basic TETHER_SPI_USER/PASSWORD or Bearer
 * TETHER_SPI_TOKEN), `admin-password` (Basic, any user, the admin token as password: what a browser's login
 * prompt sends), `codec-session` (the cookie from GET /codec/login, only when no Authorization header is sent).
 */
export type ApiPrincipal = 'admin' | 'spi' | 'admin-password' | 'codec-session';

/** The API's access policies: what a route's `auth` may name, and the principals each admits. */
export const apiPolicies = {
  spi: ['spi', 'admin'],
  admin: ['admin'],
  /**
   * The codec endpoints: the admin token, the UI's session cookie, or the Basic credentials a browser keeps
   * sending to this origin after answering the /codec/login prompt.
   */
  'admin-session': ['admin', 'codec-session', 'admin-password'],
  /** Starting a codec session: the admin token as Bearer or as a Basic password. */
  'admin-login': ['admin', 'admin-password'],
  /**
   * Egeria-shaped paths: the admin token as Bearer, or as the password of HTTP Basic, which is all Egeria's Java
   * clients send (their connectionUserId / connectionPassword, SpringRESTClientConnector in rest-client-connectors).
   */
  egeria: ['admin', 'admin-password'],
} as const satisfies Record<string, readonly ApiPrincipal[]>;
export type ApiAuth = keyof typeof apiPolicies;
export type ApiRoute = Route<ApiAuth>;
export type ApiRouteDoc = RouteDoc<ApiAuth>;

export function identifyApiCaller(ctx: Context, credentials: Credentials): ApiPrincipal | 'none' | 'invalid' {
  const header = ctx.get('authorization');
  if (!header) return isValidCodecSession(ctx.cookies.get(CODEC_SESSION_COOKIE), credentials.adminToken) ? 'codec-session' : 'none';
  const given = presentedCredentials(header);
  if (!given) return 'invalid';
  if (given.kind === 'bearer') {
    if (safeEqual(given.token, credentials.adminToken)) return 'admin';
    if (credentials.spiToken !== undefined && safeEqual(given.token, credentials.spiToken)) return 'spi';
    return 'invalid';
  }
  if (credentials.spiUser !== undefined && credentials.spiPassword !== undefined) {
    const userOk = safeEqual(given.user, credentials.spiUser);
    const passwordOk = safeEqual(given.password, credentials.spiPassword);
    if (userOk && passwordOk) return 'spi';
  }
  return safeEqual(given.password, credentials.adminToken) ? 'admin-password' : 'invalid';
}

/**
 * Principals a browser presents by itself once it has them: the Basic login it remembers after the
 * `/codec/login` prompt and the codec session cookie. A page of any other site could make the browser send them
 * (a no-cors POST with a Blob body needs no preflight), so they count only for requests that no other origin made.
 */
const browserBorne: ReadonlySet<string> = new Set<ApiPrincipal>(['admin-password', 'codec-session']);

/**
 * Refuses a request another origin's page made with credentials the browser added by itself. Browsers send
 * `Origin` on every POST, PUT and DELETE, and no script can set or remove it; Egeria's clients and curl send none.
 * The API's own origin (as the request addressed it) and the trusted ones (the Temporal UI's) may use them.
 */
function refuseCrossOrigin(ctx: Context, trustedOrigins: readonly string[]): void {
  const origin = ctx.get('origin');
  // Koa 3's ctx.origin is the Origin header itself; the API's own origin is the one the request addressed.
  if (!origin || origin === `${ctx.protocol}://${ctx.host}` || trustedOrigins.includes(origin)) return;
  throw new ApiError(
    403,
    'CROSS_ORIGIN_REQUEST',
    `Origin ${origin} may not act with the login or session cookie a browser keeps for this API; send the admin token as a Bearer token`,
  );
}

/**
 * The API's authentication. `trustedOrigins`: browser origins, besides the API's own, whose pages may use the
 * browser-borne login and session (the Temporal UI's, which calls the codec).
 */
export function apiAuthentication(credentials: Credentials, trustedOrigins: readonly string[] = []): Authentication<ApiAuth, ApiPrincipal> {
  return {
    policies: apiPolicies,
    identify: (ctx) => {
      const principal = identifyApiCaller(ctx, credentials);
      if (browserBorne.has(principal)) {
        refuseCrossOrigin(ctx, trustedOrigins);
        // The JSON body reader then insists on a declared JSON Content-Type, which a page elsewhere cannot send without a preflight.
        ctx.state.browserBorne = true;
      }
      return principal;
    },
    missing: 'Missing Authorization header (HTTP Basic or Bearer)',
  };
}
