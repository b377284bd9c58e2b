import { httpUrl } from '../../contracts/http-url';
import { defineConnector, z } from '../../sdk';
import { displayUrl, fetchWithinOrigin, refusedRedirectMessage } from '../outbound-http';
import { SecretRef, type SecretResolver } from '../secrets';

/** Integration connectors have no connection-instance settings. */
const NoSettings = z.object({});
type NoSettings = z.infer<typeof NoSettings>;

/** A header value given literally; `${…}` is refused because definitions are data and are never substituted. */
const LiteralHeaderValue = z
  .string()
  .refine((value) => !value.includes('${'), "is not substituted: definitions never read this host's environment; declare the secret in the config file (secrets:) and use {secretRef: name}");

export const HttpPollConfiguration = z.object({
  url: httpUrl({ invalid: 'url must be an http(s) URL', credentials: 'url must not contain credentials (user:password@); send them in a header that references a declared secret ({secretRef: name})' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  /** Literal values, or `{secretRef: name}` naming a secret the operator declared for this connector. */
  headers: z.record(z.string(), z.union([LiteralHeaderValue, SecretRef])).optional(),
  timeoutSeconds: z.number().positive().default(10),
});
export type HttpPollConfiguration = z.infer<typeof HttpPollConfiguration>;

function resolveHeaders(headers: HttpPollConfiguration['headers'] = {}, secrets: SecretResolver): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === 'string' ? value : secrets.reveal(value)]));
}

/**
 * Integration connector that polls a URL each refresh; a non-2xx answer, no answer or a redirect to another
 * origin fails the refresh.
 */
export const httpPollConnector = defineConnector<NoSettings, HttpPollConfiguration>({
  name: 'http-poll',
  version: '1.0',
  type: 'tether.http-poll',
  path: 'http-poll',
  capabilities: [],
  settings: NoSettings,
  actions: [],
  async checkHealth() {
    return { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: 'http-poll runs in integration groups' }] };
  },
  integration: {
    configuration: HttpPollConfiguration,
    async refresh({ configuration, secrets, signal }) {
      const { method } = configuration;
      const headers = resolveHeaders(configuration.headers, secrets);
      const shown = displayUrl(configuration.url);
      let answer;
      try {
        answer = await fetchWithinOrigin(configuration.url, {
          method,
          headers,
          signal: AbortSignal.any([signal, AbortSignal.timeout(configuration.timeoutSeconds * 1000)]),
        });
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message;
        throw new Error(`${method} ${shown} did not answer: ${cause ?? (err as Error).message}`);
      }
      const { response, url, refusedRedirect } = answer;
      const body = await response.arrayBuffer().catch(() => new ArrayBuffer(0));
      if (refusedRedirect) throw new Error(refusedRedirectMessage(method, url, response, refusedRedirect));
      if (!response.ok) throw new Error(`${method} ${shown} answered ${response.status} ${response.statusText}`.trim());
      return { summary: `${method} ${shown} answered ${response.status} (${body.byteLength} bytes)`, state: { status: response.status } };
    },
  },
});
