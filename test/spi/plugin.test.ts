import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spiAuth, startTestTether, type TestTether } from '../support/tether';

/** The README's plugin connector, loaded from a config file and called over the SPI. */
describe('a plugin connector named in the config file', () => {
  let tether: TestTether;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-plugin-'));
    const plugin = relative(dir, join(__dirname, '..', 'config', 'fixtures', 'greeting-connector.js'));
    writeFileSync(join(dir, 'tether.config.yaml'), `connectors:\n  - use: ${plugin}\n    connectionInstances:\n      - { id: EN, name: English }\n      - { id: FR, name: French, settings: { salutation: Bonjour } }\n`);
    tether = await startTestTether({ env: { TETHER_CONFIG: join(dir, 'tether.config.yaml') } });
  });
  afterAll(() => tether.stop());

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
});
