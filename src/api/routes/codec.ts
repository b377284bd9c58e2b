import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Credentials } from '../../config/credentials';
import type { Settings } from '../../config/settings';
import type { ApiRoute } from '../auth';
import type { Route } from '../route';
import { CODEC_SESSION_COOKIE, CODEC_SESSION_SECONDS, issueCodecSession } from '../codec-session';
import { ApiError } from '../../errors';
import { ErrorBodySchema } from '../openapi';
import { parseOrThrow } from '../../errors/validation';

/** A payload as protobuf JSON: metadata values and data in base64 (Temporal's codec-server protocol). */
export const JsonPayload = z.object({
  metadata: z.record(z.string(), z.base64()).nullish(),
  data: z.base64().nullish(),
});
export type JsonPayload = z.infer<typeof JsonPayload>;

/** Body of `POST /codec/encode` and `POST /codec/decode`, and of their answers. */
export const CodecPayloads = z.object({ payloads: z.array(JsonPayload) });
export type CodecPayloads = z.infer<typeof CodecPayloads>;

export interface CodecRouteDeps {
  codec: PayloadCodec;
  credentials: Credentials;
  /** Browser origins (the Temporal UI's) allowed to call the codec endpoints; see codecAllowedOrigins. */
  allowedOrigins: string[];
}

// The UI calls `${endpoint}/decode`; the CLI may template `${endpoint}/{namespace}/decode`. One key ring serves every namespace.
const routes = (action: 'encode' | 'decode') => [`/codec/${action}`, `/codec/:namespace/${action}`];

/**
 * Origins allowed to call the codec endpoints: the Temporal UI's (TEMPORAL_UI_URL, or the embedded dev
 * server's UI), under both localhost and 127.0.0.1 since the browser's origin is whichever was typed.
 */
export function codecAllowedOrigins(settings: Settings, embeddedUiUrl?: string): string[] {
  const url = settings.TEMPORAL_UI_URL ?? embeddedUiUrl;
  if (!url) return [];
  const origin = new URL(url);
  const twins = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' } as Record<string, string>;
  const twin = twins[origin.hostname];
  const alias = twin ? new URL(origin.origin.replace(origin.hostname, twin)).origin : undefined;
  return alias ? [origin.origin, alias] : [origin.origin];
}

function toPayload(json: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]));
  return { metadata, data: Buffer.from(json.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** CORS for the UI's origin only; preflights are answered here, before any authentication (browsers send them without credentials). */
function codecCors(allowedOrigins: string[]): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    if (origin) {
      if (!allowedOrigins.includes(origin)) {
        const allowed = allowedOrigins.length ? allowedOrigins.join(', ') : 'none';
        throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', `Origin ${origin} may not call the codec endpoints (allowed: ${allowed}); set TEMPORAL_UI_URL to the Temporal UI's address`);
      }
      ctx.set('Access-Control-Allow-Origin', origin);
      // The UI's "include cross-origin credentials" option sends the session cookie.
      ctx.set('Access-Control-Allow-Credentials', 'true');
      ctx.vary('Origin');
    }
    if (ctx.method !== 'OPTIONS') return next();
    ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
  };
}

/**
 * A 401 from a conversion challenges Bearer only: a Basic challenge would make the browser hold the UI's
 * fetch for a login prompt (Chromium waits, headless forever). Logging in is `GET /codec/login`'s job.
 */
const bearerChallenge: Middleware = (ctx, next) => {
  ctx.state.challenges = ['Bearer realm="tether"'];
  return next();
};

/**
 * Calls a browser authenticates by itself (session cookie, remembered Basic login, dev loopback) must be JSON,
 * so a browser always preflights them and CORS decides: no other site can make a browser post to the codec.
 * Only a Bearer token, which a browser never adds on its own, may skip that.
 */
function convert(codec: PayloadCodec, action: 'encode' | 'decode'): Middleware {
  return async (ctx) => {
    if (ctx.state.principal !== 'admin' && !ctx.is('application/json')) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Codec calls from a browser must send Content-Type: application/json');
    }
    const { payloads } = parseOrThrow(CodecPayloads, ctx.request.body);
    let converted: Payload[];
    try {
      converted = await codec[action](payloads.map(toPayload));
    } catch (err) {
      // The protocol answers codec failures with 400; the codec's messages name key ids, never keys or data.
      throw new ApiError(400, 'CODEC_FAILED', `Could not ${action} payloads: ${(err as Error).message}`);
    }
    ctx.body = { payloads: converted.map(toJson) } satisfies CodecPayloads;
  };
}

const codecError = { description: 'Malformed payloads or a payload no key in the ring can open', schema: ErrorBodySchema };

/**
 * Temporal's codec-server protocol over the payload codec: `POST /codec/encode`, `POST /codec/decode` (and the
 * namespace-templated paths), or only the `actions` given, each with its public CORS preflight (browsers send
 * preflights without credentials).
 * `auth` names who may convert: the API's admin token or session cookie, or the dev codec's loopback browser.
 */
export function codecConversionRoutes<A extends string>(
  codec: PayloadCodec,
  allowedOrigins: string[],
  auth: A,
  actions: ReadonlyArray<'encode' | 'decode'> = ['encode', 'decode'],
): Route<A>[] {
  const cors = codecCors(allowedOrigins);
  return actions.flatMap((action) =>
    routes(action).flatMap((path): Route<A>[] => [
      {
        method: 'post',
        path,
        summary: `${action === 'encode' ? 'Encrypt' : 'Decrypt'} payloads (Temporal codec-server protocol)`,
        tag: 'codec',
        auth,
        body: CodecPayloads,
        responses: { 200: { description: `The ${action}d payloads`, schema: CodecPayloads }, 400: codecError },
        before: [cors, bearerChallenge],
        handler: convert(codec, action),
      },
      {
        method: 'options',
        path,
        summary: `CORS preflight of ${action} for the Temporal UI's origin`,
        tag: 'codec',
        auth: 'public',
        responses: { 204: { description: 'Allowed methods and headers' }, 403: { description: 'Origin not allowed', schema: ErrorBodySchema } },
        handler: cors,
      },
    ]),
  );
}

/**
 * The API's codec routes, so authorised users read payloads in the Temporal UI and CLI: the conversions (admin
 * token or session cookie), and `GET /codec/login`, which a browser opens once to get the session cookie a UI
 * configured with "include credentials" sends (the docker-compose topology; `tether dev` uses the loopback codec).
 */
export function codecRoutes(deps: CodecRouteDeps): ApiRoute[] {
  const conversions = codecConversionRoutes(deps.codec, deps.allowedOrigins, 'admin-session' as const);
  const login: ApiRoute = {
    method: 'get',
    path: '/codec/login',
    summary: 'Start a codec session cookie for the Temporal UI (Basic auth, the admin token as password)',
    tag: 'codec',
    auth: 'admin-login',
    responses: { 200: { description: 'Session started', schema: z.string(), contentType: 'text/plain' }, 401: { description: 'Not the admin token', schema: ErrorBodySchema } },
    handler: (ctx) => {
      ctx.cookies.set(CODEC_SESSION_COOKIE, issueCodecSession(deps.credentials.adminToken), {
        httpOnly: true,
        path: '/codec',
        maxAge: CODEC_SESSION_SECONDS * 1000,
        // A UI on another site only sends the cookie when it is SameSite=None, which browsers allow only over HTTPS.
        ...(ctx.secure ? { secure: true, sameSite: 'none' as const } : { sameSite: 'lax' as const }),
      });
      ctx.type = 'text/plain';
      ctx.body = 'Codec session started for 12 hours: reload the Temporal UI and payloads show decrypted.\n';
    },
  };
  return [...conversions, login];
}
