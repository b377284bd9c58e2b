import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { ApiError } from '../errors';
import { jsonDepthExceeds, maxJsonDepth } from './json-depth';

/** The body as text, refused (413) past `limitBytes`; leaving the loop early stops reading the rest. */
async function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a JSON body into ctx.request.body, refusing bodies over the limit (413), nested deeper than
 * {@link maxJsonDepth} (400) and malformed JSON (400). A body without Content-Type is read as JSON, except from a
 * caller authenticated by what a browser sends on its own (`ctx.state.browserBorne`): a page elsewhere can post
 * such a body without a CORS preflight, so there it is 415.
 * An empty body reads as undefined so the route's schema names what is missing.
 */
export function jsonBody(limitBytes: number): Middleware {
  return async (ctx, next) => {
    // Read once, even when two matched routes each carry this middleware.
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) || ctx.state.rawBody !== undefined) return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limitBytes) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
    const text = await readText(ctx.req, limitBytes);
    ctx.state.rawBody = text;
    if (text.trim() === '') {
      (ctx.request as { body?: unknown }).body = undefined;
    } else if (ctx.get('content-type') === '' && ctx.state.browserBorne) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type is missing: a body sent with a browser login or session must declare Content-Type: application/json');
    } else if (ctx.is('json') !== false || ctx.get('content-type') === '') {
      if (jsonDepthExceeds(text, maxJsonDepth)) throw new ApiError(400, 'JSON_TOO_DEEP', `Request body nests arrays and objects deeper than ${maxJsonDepth} levels`);
      try {
        (ctx.request as { body?: unknown }).body = JSON.parse(text);
      } catch (err) {
        throw new ApiError(400, 'MALFORMED_JSON', `Request body is not valid JSON: ${(err as Error).message}`);
      }
    } else {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${ctx.get('content-type')} is not supported; send application/json`);
    }
    return next();
  };
}

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}
