import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { jsonBody } from './body';
import { ApiError } from '../errors';
import { parseOrThrow } from '../errors/validation';

/**
 * Who may call a route: `'public'` (anyone) or one of the server's named policies (the API: `spi`, `admin`, …;
 * the hub: `hub-admin`, `platform-user`), each a list of the principals it admits. There is no default.
 */
export type Access<A extends string> = 'public' | A;

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'options';

/** What a route documents: the OpenAPI document is built from these, the same objects the router is built from. */
export interface RouteDoc<A extends string = string> {
  method: HttpMethod;
  /** Koa-style path, e.g. `/admin/executions/:executionId`; matched case-sensitively, one trailing slash tolerated. */
  path: string;
  summary: string;
  tag: string;
  auth: Access<A>;
  /** Schemas of the path parameters; a parameter not named here is a string of 1..{@link maxPathParamLength} characters. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Extra request headers the operation reads (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** The body of this route's errors when not the JSON error body (Egeria's envelope); documents 400/401/403/413/415. */
  errorSchema?: z.ZodType;
}

/** One route: its documentation, who may call it and its handler, declared together. */
export interface Route<A extends string = string> extends RouteDoc<A> {
  /** Middleware run before authentication: error envelopes (Egeria's), CORS. Never a decision about access. */
  before?: Middleware[];
  handler: Middleware;
}

/** Longest path parameter accepted by default: ids end up in workflow ids, which Temporal caps at 1,000 bytes. */
export const maxPathParamLength = 256;
const defaultParam = z.string().min(1, 'must not be empty').max(maxPathParamLength, `must be at most ${maxPathParamLength} characters`);

/** Names of a Koa-style path's parameters (`:name` and `*name`). */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)|\*(\w+)/g)].map(([, named, wildcard]) => (named ?? wildcard)!);
}

/** The schema every path parameter of a route is checked with, declared or default. */
export function paramsSchema(route: RouteDoc): z.ZodObject {
  const declared = route.params?.shape ?? {};
  return z.object(Object.fromEntries(pathParamNames(route.path).map((name) => [name, (declared[name] as z.ZodType | undefined) ?? defaultParam])));
}

/** How a server tells who is calling, and which principals each of its policies admits. */
export interface Authentication<A extends string, P extends string> {
  policies: Record<A, readonly P[]>;
  /** A principal, `'none'` when nothing was presented, `'invalid'` for wrong credentials. */
  identify(ctx: Context): P | 'none' | 'invalid';
  /** 401 message when no credentials were presented, naming the schemes accepted. */
  missing: string;
}

function guard<A extends string, P extends string>(access: Access<A>, authentication: Authentication<A, P>): Middleware {
  if (access === 'public') return (_ctx, next) => next();
  const admitted = authentication.policies[access];
  return async (ctx, next) => {
    const principal = authentication.identify(ctx);
    if (principal === 'none') throw new ApiError(401, 'UNAUTHENTICATED', authentication.missing);
    if (principal === 'invalid') throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid credentials');
    if (!admitted.includes(principal)) throw new ApiError(403, 'FORBIDDEN', `These credentials may not call ${ctx.method} ${ctx.path}`);
    ctx.state.principal = principal;
    return next();
  };
}

function checkParams(schema: z.ZodObject): Middleware {
  if (Object.keys(schema.shape).length === 0) return (_ctx, next) => next();
  return async (ctx, next) => {
    ctx.params = parseOrThrow(schema, ctx.params, 'Path') as Record<string, string>;
    return next();
  };
}

/** Refuses a table a server must never start with: a route without a valid `auth`, or two routes for one method and path. */
function checkDeclarations<A extends string>(routes: readonly Route<A>[], policies: Record<A, readonly string[]>): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const name = `${route.method?.toUpperCase()} ${route.path}`;
    const { auth } = route as { auth?: unknown };
    const validAuth = auth === 'public' || (typeof auth === 'string' && Object.hasOwn(policies, auth));
    if (!validAuth) throw new Error(`Route ${name} must declare auth: 'public' or one of ${Object.keys(policies).join(', ')} (got ${JSON.stringify(auth)})`);
    if (typeof route.handler !== 'function') throw new Error(`Route ${name} has no handler`);
    if (seen.has(name)) throw new Error(`Route ${name} is declared twice`);
    seen.add(name);
    for (const declared of Object.keys(route.params?.shape ?? {})) {
      if (!pathParamNames(route.path).includes(declared)) throw new Error(`Route ${name} declares parameter ${declared}, which its path does not have`);
    }
  }
}

/**
 * The one way routes reach a server: a router built from the route table, each route guarded by its own
 * declaration: `before` (envelopes, CORS), authentication, path parameters, the JSON body (read only for a
 * caller the route admits, errors in the route's envelope), then the handler. Paths match case-sensitively
 * and exactly (one trailing slash tolerated); {@link canonicalPaths} refuses other spellings before routing.
 */
export function buildRouter<A extends string, P extends string>(
  routes: readonly Route<A>[],
  authentication: Authentication<A, P>,
  options: { bodyLimitBytes: number },
): Router {
  checkDeclarations(routes, authentication.policies);
  const router = new Router({ sensitive: true, strict: false });
  router.use(preferSpecificRoutes(router));
  const body = jsonBody(options.bodyLimitBytes);
  for (const route of routes) {
    router[route.method](route.path, ...(route.before ?? []), guard(route.auth, authentication), checkParams(paramsSchema(route)), body, route.handler);
  }
  return router;
}

/** A segment that is `.` or `..`, spelled plainly or percent-encoded. */
const dotSegment = /^(?:\.|%2e){1,2}$/i;

/**
 * Paths have one spelling: no empty segment (`//`) and no dot segment (`.`, `..`, `%2e`), which some proxies
 * and clients normalise and others do not. Refused with 400 before routing, so no route sees them.
 */
export function canonicalPaths(): Middleware {
  return async (ctx, next) => {
    const segments = ctx.path.split('/').slice(1);
    const inner = segments.slice(0, -1);
    if (!ctx.path.startsWith('/') || inner.includes('') || segments.some((segment) => dotSegment.test(segment))) {
      throw new ApiError(400, 'NON_CANONICAL_PATH', 'The path has an empty or dot segment (`//`, `/./`, `/../`); send its canonical form');
    }
    return next();
  };
}

interface MatchedLayer {
  path: string | RegExp;
  methods: string[];
}

/** Literal segments of a route path: of the routes matching a path, those with the most literal segments own it. */
const literalSegments = (path: string | RegExp) => String(path).split('/').filter((segment) => segment && !segment.startsWith(':') && !segment.startsWith('*')).length;

/**
 * The methods a path answers: those of its most specific matching routes (`/health/live` is the health route's,
 * though the SPI's `/{connector}/{action}` matches it too). Empty when no route matches the path.
 */
export function allowedMethods(layers: readonly MatchedLayer[]): string[] {
  const routes = layers.filter((layer) => layer.methods.length > 0);
  const best = Math.max(...routes.map((layer) => literalSegments(layer.path)));
  return [...new Set(routes.filter((layer) => literalSegments(layer.path) === best).flatMap((layer) => layer.methods))];
}

function refuseMethod(ctx: Context, allow: string[]): never {
  ctx.set('Allow', allow.join(', '));
  throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow.join(', ')}`);
}

/**
 * Before any route runs: a method the path's most specific routes lack is refused, not handed to a looser route.
 * The router has just matched the path (`ctx.matched`); matching again only when it has not.
 */
function preferSpecificRoutes(router: Router): Middleware {
  return async (ctx, next) => {
    const matched = (ctx as { matched?: MatchedLayer[] }).matched ?? (router.match(ctx.path, ctx.method).path as MatchedLayer[]);
    const allow = allowedMethods(matched);
    if (allow.length > 0 && !allow.includes(ctx.method)) refuseMethod(ctx, allow);
    return next();
  };
}

/**
 * After the router: a path some route matches, but not with this method, answers 405 with `Allow` (any method,
 * OPTIONS and TRACE included, never 501). Paths no route matches fall through to 404.
 */
export function methodNotAllowed(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const allow = allowedMethods((ctx as { matched?: MatchedLayer[] }).matched ?? []);
    if (allow.length > 0) refuseMethod(ctx, allow);
  };
}
