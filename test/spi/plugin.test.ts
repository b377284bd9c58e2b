import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connectorFiles } from '../../src/cli/connector-template';
import { spiAuth, startTestTether, type TestTether } from '../support/tether';

/** Plugin connectors loaded from a config file and called over the SPI: a JavaScript one, and the TypeScript scaffold. */
describe('a plugin connector named in the config file', () => {
  let tether: TestTether;
  let peer: Server;
  beforeAll(async () => {
    // The scaffold's target: a real HTTP peer answering one item.
    peer = createServer((request, response) => {
      if (request.url === '/items/42') return void response.end(JSON.stringify({ id: '42' }));
      response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'tether-plugin-'));
    const plugin = relative(dir, join(__dirname, '..', 'config', 'fixtures', 'greeting-connector.js'));
    mkdirSync(join(dir, 'connectors', 'acme'), { recursive: true });
    for (const [file, content] of Object.entries(connectorFiles({ path: 'acme', display: 'Acme', env: 'ACME', dir: 'connectors/acme' }))) {
      writeFileSync(join(dir, 'connectors', 'acme', file), content);
    }
    const baseUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'tether.config.yaml'),
      `connectors:\n  - use: ${plugin}\n    connectionInstances:\n      - { id: EN, name: English }\n      - { id: FR, name: French, settings: { salutation: Bonjour } }\n` +
        `  - use: ./connectors/acme/acme.connector.ts\n    connectionInstances: [{ id: DEV, name: Dev, settings: { baseUrl: "${baseUrl}" } }]\n`,
    );
    tether = await startTestTether({ env: { TETHER_CONFIG: join(dir, 'tether.config.yaml') } });
  });
  afterAll(async () => {
    await tether.stop();
    peer.close();
  });

  const greet = async (connectionInstanceId: string, inputs: Record<string, unknown>) => {
    const response = await fetch(`${tether.url}/greeting/greet`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId, inputs }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('serves its action with the instance settings', async () => {
    expect(await greet('FR', { name: 'Ada', times: 2 })).toEqual({ status: 200, body: { outputs: { greeting: 'Bonjour, Ada! Bonjour, Ada!' } } });
    expect(await greet('EN', { name: 'Ada' })).toEqual({ status: 200, body: { outputs: { greeting: 'Hello, Ada!' } } });
  });

  it('maps the BusinessError it throws (from tether/sdk) to 422', async () => {
    const response = await greet('EN', { name: 'nobody' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'BUSINESS_ERROR', message: 'There is nobody to greet', details: { name: 'nobody' } });
  });

  it('serves the TypeScript scaffold (tether new connector) against its peer, its BusinessError answered 422', async () => {
    const call = async (id: string) => {
      const response = await fetch(`${tether.url}/acme/get_item`, {
        method: 'POST',
        headers: { ...spiAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ connectionInstanceId: 'DEV', inputs: { id } }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    expect(await call('42')).toEqual({ status: 200, body: { outputs: { item: { id: '42' } } } });
    const missing = await call('7');
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'BUSINESS_ERROR', message: 'There is no item 7', details: { id: '7' } });
  });
});
