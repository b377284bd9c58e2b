import { MAX_RECORDED_OUTPUT_BYTES } from '../../behaviours/limits';
import { httpUrl } from '../../contracts/http-url';
import { BusinessError, defineConnector, TargetTimeoutError, TargetUnavailableError, z } from '../../sdk';
import { displayUrl, fetchWithinOrigin, refusedRedirectMessage, type OutboundAnswer } from '../outbound-http';

const BearerAuth = z.object({ type: z.literal('bearer'), token: z.string().min(1) });
const BasicAuth = z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() });

/** Settings of one `http` connection instance (config file `settings:`). */
export const HttpSettings = z.object({
  baseUrl: httpUrl({ invalid: 'expected an http(s) URL', credentials: 'must not contain credentials (user:password@); use auth: {type: basic, username, password}' }),
  /** Path the health check GETs (2xx = healthy). */
  healthPath: z.string().default('/'),
  auth: z.discriminatedUnion('type', [BearerAuth, BasicAuth], { error: 'expected {type: bearer, token} or {type: basic, username, password}' }).optional(),
  /** Per-attempt deadline of one request; past it the attempt fails as a target timeout (504 when retries run out). */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Headers sent with every request (e.g. an API version). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type HttpSettings = z.infer<typeof HttpSettings>;

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function targetUrl(settings: HttpSettings, path: string, query: unknown): URL {
  // Only paths under the base URL: the instance's credentials must never travel to another host.
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) throw new BusinessError(`path must be relative to the connection's base URL, got ${JSON.stringify(path)}`);
  const url = new URL(`${settings.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  // Dot segments (`..`, `%2e%2e`, `\..`) are resolved by URL: the result must stay under the base URL's path too.
  const basePath = `${new URL(settings.baseUrl).pathname.replace(/\/+$/, '')}/`;
  // So must the path a target or proxy sees once it decodes `%2F`/`%5C` into separators (nginx, some frameworks):
  // `..%2F..%2Fother` climbs there. An encoded slash without dot segments (`group%2Fproject`) stays allowed.
  const asSeparators = new URL(url.pathname.replace(/%2f|%5c/gi, '/'), url.origin).pathname;
  if (![url.pathname, asSeparators].every((candidate) => `${candidate}/`.startsWith(basePath))) {
    throw new BusinessError(`path must stay under the connection's base URL, got ${JSON.stringify(path)}`);
  }
  if (query !== undefined) {
    if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new BusinessError('query must be an object of parameter names to values');
    for (const [name, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null) url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
  }
  return url;
}

function authorization(settings: HttpSettings): Record<string, string> {
  if (settings.auth?.type === 'bearer') return { Authorization: `Bearer ${settings.auth.token}` };
  if (settings.auth?.type === 'basic') return { Authorization: `Basic ${Buffer.from(`${settings.auth.username}:${settings.auth.password}`).toString('base64')}` };
  return {};
}

function requestHeaders(settings: HttpSettings, given: unknown): Record<string, string> {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) throw new BusinessError('headers must be an object of header names to values');
  const fromCall = Object.fromEntries(Object.entries((given ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
  // The instance's authentication wins over a header of the call: the catalog cannot swap identities.
  return { ...settings.headers, ...fromCall, ...authorization(settings) };
}

/**
 * The body, read up to the largest output an action may return (a larger body could never be recorded: it is a
 * business failure, and nothing more is read).
 */
async function readBody(response: Response, request: string): Promise<unknown> {
  const tooLarge = () => new BusinessError(`${request} answered a body of more than ${MAX_RECORDED_OUTPUT_BYTES} bytes; at most ${MAX_RECORDED_OUTPUT_BYTES} are returned (outputs are recorded in the execution's history)`);
  if (Number(response.headers.get('content-length')) > MAX_RECORDED_OUTPUT_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_RECORDED_OUTPUT_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * One HTTP exchange with the failure classification of DESIGN §3: no answer → TargetUnavailableError,
 * too slow → TargetTimeoutError (both retried); the caller decides what a status means. Redirects are
 * followed within the base URL's origin only (outbound-http.ts).
 */
export async function exchange({ method, url, headers, body, timeoutMs, signal }: HttpExchange): Promise<OutboundAnswer> {
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    return await fetchWithinOrigin(url, { method, headers, body, signal: AbortSignal.any([signal, deadline]) });
  } catch (err) {
    if (deadline.aborted) throw new TargetTimeoutError(`${method} ${displayUrl(url)} did not answer within ${timeoutMs} ms`);
    if (signal.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new TargetUnavailableError(`${method} ${displayUrl(url)} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
}

/** Built-in `http` connector (DESIGN §3): calls an HTTP API under a configured base URL. */
export const httpConnector = defineConnector<HttpSettings>({
  name: 'HTTP',
  version: '1.0',
  type: 'tether.http',
  path: 'http',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: HttpSettings,
  secretSettings: ['auth.token', 'auth.password', 'headers'],
  actions: [
    {
      name: 'request',
      displayName: 'HTTP Request',
      path: 'request',
      inputs: [
        { name: 'method', type: 'String' },
        { name: 'path', type: 'String', required: true },
        { name: 'query', type: 'Object' },
        // Header values are credentials often enough (Authorization, X-Api-Key) to be redacted in execution views.
        { name: 'headers', type: 'Object', secret: true },
        { name: 'body', type: 'Object' },
      ],
      outputs: [
        { name: 'status', type: 'Object' },
        { name: 'headers', type: 'Object' },
        { name: 'body', type: 'Object' },
      ],
      execution: { timeoutSeconds: 120, maximumAttempts: 3, initialRetrySeconds: 0.5 },
      async handler({ instance, inputs, signal }) {
        const settings = instance.settings;
        const method = String(inputs.method ?? 'GET').toUpperCase();
        if (!methods.includes(method)) throw new BusinessError(`method must be one of ${methods.join(', ')}, got ${JSON.stringify(inputs.method)}`);
        const url = targetUrl(settings, String(inputs.path), inputs.query);
        const headers = requestHeaders(settings, inputs.headers);
        let body: string | undefined;
        if (inputs.body !== undefined && inputs.body !== null) {
          body = typeof inputs.body === 'string' ? inputs.body : JSON.stringify(inputs.body);
          const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
          if (!hasType) headers['Content-Type'] = typeof inputs.body === 'string' ? 'text/plain' : 'application/json';
        }
        const { response, url: answered, refusedRedirect } = await exchange({ method, url, headers, body, timeoutMs: settings.timeoutMs, signal });
        const answer = { status: response.status, headers: Object.fromEntries(response.headers), body: await readBody(response, `${method} ${displayUrl(url)}`) };
        if (refusedRedirect) throw new BusinessError(refusedRedirectMessage(method, answered, response, refusedRedirect), answer);
        if (response.status >= 500) throw new TargetUnavailableError(`${method} ${displayUrl(url)} answered ${response.status}`);
        if (response.status >= 400) throw new BusinessError(`${method} ${displayUrl(url)} answered ${response.status}`, answer);
        return answer;
      },
    },
  ],
  async checkHealth({ instance, signal }) {
    const settings = instance.settings;
    const url = targetUrl(settings, settings.healthPath, undefined);
    try {
      const { response, url: answered, refusedRedirect } = await exchange({ method: 'GET', url, headers: requestHeaders(settings, undefined), timeoutMs: settings.timeoutMs, signal });
      await response.body?.cancel();
      const message = refusedRedirect ? refusedRedirectMessage('GET', answered, response, refusedRedirect) : `GET ${displayUrl(url)} answered ${response.status}`;
      return response.ok
        ? { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message }] }
        : { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
    } catch (err) {
      const message = (err as Error).message;
      return { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
    }
  },
});
