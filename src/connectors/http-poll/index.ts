import { defineConnector, z } from '../../sdk';

/** Integration connectors have no connection-instance settings. */
const NoSettings = z.object({});
type NoSettings = z.infer<typeof NoSettings>;

export const HttpPollConfiguration = z.object({
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  /** Values may reference the environment as `${NAME}`, so secrets stay out of definitions and histories. */
  headers: z.record(z.string(), z.string()).optional(),
  timeoutSeconds: z.number().positive().default(10),
});
export type HttpPollConfiguration = z.infer<typeof HttpPollConfiguration>;

/** Raised when a header references an environment variable that is not set. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
}

function resolveHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
        const resolved = process.env[variable];
        if (resolved === undefined) throw new MissingEnvironmentError(`headers.${name} references \${${variable}}, which is not set`);
        return resolved;
      }),
    ]),
  );
}

/** Integration connector that polls a URL each refresh; a non-2xx answer or no answer fails the refresh. */
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
    async refresh({ configuration, signal }) {
      const { url, method } = configuration;
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: resolveHeaders(configuration.headers),
          signal: AbortSignal.any([signal, AbortSignal.timeout(configuration.timeoutSeconds * 1000)]),
        });
      } catch (err) {
        if (err instanceof MissingEnvironmentError) throw err;
        const cause = (err as { cause?: { message?: string } }).cause?.message;
        throw new Error(`${method} ${url} did not answer: ${cause ?? (err as Error).message}`);
      }
      const body = await response.arrayBuffer().catch(() => new ArrayBuffer(0));
      if (!response.ok) throw new Error(`${method} ${url} answered ${response.status} ${response.statusText}`.trim());
      return { summary: `${method} ${url} answered ${response.status} (${body.byteLength} bytes)`, state: { status: response.status } };
    },
  },
});
