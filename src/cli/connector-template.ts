/**
 * The files `tether new connector <name>` writes: a connector declared with `tether/sdk`, its test against a
 * real local HTTP peer, a config snippet and a tsconfig. Kept as text here so the scaffold ships in the build;
 * `test/cli/new-connector.test.ts` scaffolds one and runs its test, so the template cannot rot.
 */

export interface ConnectorNames {
  /** URL path and file prefix: `acme`. */
  path: string;
  /** Shown name: `Acme`. */
  display: string;
  /** Environment variable prefix: `ACME`. */
  env: string;
  /** The folder, relative to where the config file usually lives: `connectors/acme`. */
  dir: string;
}

/** File name (in the connector's folder) to content. */
export function connectorFiles(names: ConnectorNames): Record<string, string> {
  return {
    // definition: the connector declared with tether/sdk
    [`${names.path}.connector.ts`]: `import { BusinessError, defineConnector, TargetTimeoutError, TargetUnavailableError, z } from 'tether/sdk';

/** Settings of one connection instance: the \`settings:\` of each instance in tether.config.yaml. */
const Settings = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** Sent as a Bearer token; reference a secret, e.g. "\${${names.env}_API_KEY}", never inline it. */
  apiKey: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(5_000),
});
type Settings = z.infer<typeof Settings>;

/** One request to the ${names.display} API, failures classified where their cause is known. */
async function send(settings: Settings, path: string, signal: AbortSignal): Promise<Response> {
  const url = settings.baseUrl.replace(/\\/$/, '') + path;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: settings.apiKey ? { authorization: \`Bearer \${settings.apiKey}\` } : {},
      signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
    });
  } catch (err) {
    // Retried by Tether, then answered 504 / 502.
    if ((err as Error).name === 'TimeoutError') throw new TargetTimeoutError(\`GET \${path}: no answer within \${settings.timeoutMs} ms\`);
    throw new TargetUnavailableError(\`GET \${path}: \${(err as Error).message}\`);
  }
  if (response.status >= 500) throw new TargetUnavailableError(\`GET \${path} answered \${response.status}\`);
  return response;
}

export default defineConnector({
  name: '${names.display}',
  version: '0.1.0',
  type: 'com.example.${names.path}',
  path: '${names.path}',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: Settings,
  secretSettings: ['apiKey'],
  actions: [
    {
      name: 'getItem',
      displayName: 'Get item',
      path: 'get_item',
      inputs: [{ name: 'id', type: 'String', required: true }],
      outputs: [{ name: 'item', type: 'Object' }],
      execution: { timeoutSeconds: 30, maximumAttempts: 3 },
      async handler({ instance, inputs, signal }) {
        const id = String(inputs.id);
        const response = await send(instance.settings, \`/items/\${encodeURIComponent(id)}\`, signal);
        // A refusal for a business reason: answered 422 with the details, never retried.
        if (response.status === 404) throw new BusinessError(\`There is no item \${id}\`, { id });
        if (!response.ok) throw new BusinessError(\`GET /items/\${id} answered \${response.status}\`, { id, status: response.status });
        return { item: await response.json() };
      },
    },
  ],
  async checkHealth({ instance, signal }) {
    try {
      const response = await send(instance.settings, '/health', signal);
      if (response.ok) return { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: \`${names.display} reachable (\${instance.name})\` }] };
      return { status: 'CONNECTION_FAILURE', message: \`GET /health answered \${response.status}\`, messages: [] };
    } catch (err) {
      return { status: 'CONNECTION_FAILURE', message: (err as Error).message, messages: [{ severity: 'ERROR', message: (err as Error).message }] };
    }
  },
});
`,
    // its test, against a real local HTTP peer (node:test)
    [`${names.path}.test.ts`]: `// Run: node --require tether/register --test ${names.dir}/${names.path}.test.ts
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BusinessError, callAction, callHealthCheck, TargetUnavailableError } from 'tether/sdk';
import connector from './${names.path}.connector';

// A real local HTTP peer standing in for the ${names.display} API.
let server: Server;
let baseUrl: string;
const seenAuthorization: (string | undefined)[] = [];
before(async () => {
  server = createServer((request, response) => {
    seenAuthorization.push(request.headers.authorization);
    if (request.url === '/health') return void response.end('ok');
    if (request.url === '/items/42') {
      response.setHeader('content-type', 'application/json');
      return void response.end(JSON.stringify({ id: '42', name: 'Widget' }));
    }
    if (request.url === '/items/broken') response.statusCode = 503;
    else response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
});
after(() => server.close());

test('getItem answers the item the API returns, sending the API key', async () => {
  const outputs = await callAction(connector, { action: 'getItem', settings: { baseUrl, apiKey: 'k-123' }, inputs: { id: '42' } });
  assert.deepEqual(outputs, { item: { id: '42', name: 'Widget' } });
  assert.equal(seenAuthorization.at(-1), 'Bearer k-123');
});

test('an item the API does not know is a business failure (422, not retried)', async () => {
  await assert.rejects(callAction(connector, { action: 'getItem', settings: { baseUrl }, inputs: { id: 'nope' } }), BusinessError);
});

test('a 5xx answer is TargetUnavailableError (retried, then 502)', async () => {
  await assert.rejects(callAction(connector, { action: 'getItem', settings: { baseUrl }, inputs: { id: 'broken' } }), TargetUnavailableError);
});

test('a missing required input is refused as Tether would (400)', async () => {
  await assert.rejects(callAction(connector, { action: 'getItem', settings: { baseUrl }, inputs: {} }), /id: required/);
});

test('the health check succeeds against the peer and fails against a closed port', async () => {
  assert.equal((await callHealthCheck(connector, { settings: { baseUrl } })).status, 'CONNECTION_SUCCESS');
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  assert.equal((await callHealthCheck(connector, { settings: { baseUrl: \`http://127.0.0.1:\${port}\` } })).status, 'CONNECTION_FAILURE');
});
`,
    // the entry to add to tether.config.yaml
    [`tether.config.snippet.yaml`]: `# Add this entry to tether.config.yaml (the \`use:\` path is relative to that file), then: npx tether check-config
connectors:
  - use: ./${names.dir}/${names.path}.connector.ts
    connectionInstances:
      - id: DEV
        name: ${names.display} (development)
        settings:
          baseUrl: "http://127.0.0.1:8080"
          apiKey: "\${${names.env}_API_KEY}"
`,
    // type-checks the folder: npx tsc -p <folder>
    [`tsconfig.json`]: `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "node16",
    "moduleResolution": "node16",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["*.ts"]
}
`,
  };
}
