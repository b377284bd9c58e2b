/**
 * Tether's one rule for outbound HTTP (the http connector, http-poll, the daemon's metadata reads): a
 * redirect is followed only within the origin (scheme, host and port) that was asked, because the request
 * carries credentials and configured headers meant for that origin alone. A redirect to another origin is
 * not followed: the 3xx answer is handed back with the origin it pointed to, and each caller reports it.
 */

/** Redirects followed within one origin before giving up. */
export const MAX_REDIRECTS = 5;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export interface OutboundAnswer {
  response: Response;
  /** The URL that gave this answer (after same-origin redirects). */
  url: URL;
  /** Set when the answer is a redirect to another origin, which was not followed. */
  refusedRedirect?: URL;
}

/** A URL as messages show it: without `user:password@` and without the query (either may carry secrets). */
export function displayUrl(url: URL | string): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  copy.search = '';
  return copy.toString();
}

/** Fetches, following redirects only within the same origin (at most MAX_REDIRECTS). */
export async function fetchWithinOrigin(target: URL | string, init: RequestInit = {}): Promise<OutboundAnswer> {
  let url = new URL(target);
  let { method = 'GET', body, headers } = init;
  for (let hop = 0; ; hop++) {
    const response = await fetch(url, { ...init, method, body, headers, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null) return { response, url };
    const next = new URL(location, url);
    if (next.origin !== url.origin) return { response, url, refusedRedirect: next };
    if (hop === MAX_REDIRECTS) {
      await response.body?.cancel();
      throw new Error(`${method} ${displayUrl(url)} redirected more than ${MAX_REDIRECTS} times`);
    }
    await response.body?.cancel();
    // As browsers do (Fetch standard, HTTP-redirect fetch): 303, and 301/302 after a POST, continue as a GET without the body.
    if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = withoutBodyHeaders(headers);
    }
    url = next;
  }
}

function withoutBodyHeaders(headers: RequestInit['headers']): Headers {
  const copy = new Headers(headers);
  for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) copy.delete(name);
  return copy;
}

/** One line explaining a refused redirect, naming only the origin it pointed to. */
export function refusedRedirectMessage(method: string, from: URL, answer: Response, to: URL): string {
  return `${method} ${displayUrl(from)} answered ${answer.status} redirecting to another origin (${to.origin}); Tether follows redirects only within the origin it called, so credentials and configured headers never travel elsewhere`;
}
