import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigFileError } from '../../src/config/config-file';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { parseSettings, SettingsError } from '../../src/config/settings';
import { buildDescriptor } from '../../src/spi/descriptor';

const fixtures = join(__dirname, 'fixtures');

/** Writes a config file in a fresh directory and loads it the way a Tether process does. */
function load(yaml: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-config-'));
  const path = join(dir, 'tether.config.yaml');
  writeFileSync(path, yaml);
  return { path, dir, registry: () => loadConnectorRegistry(parseSettings({ TETHER_CONFIG: path }), { env }) };
}

const loadError = (yaml: string, env: Record<string, string> = {}) => {
  const { path, registry } = load(yaml, env);
  try {
    registry();
  } catch (err) {
    return { path, err: err as Error };
  }
  throw new Error('expected the config file to be refused');
};

const designExample = `
connectors:
  - use: example                  # a built-in name, or a module path for a plugin
    connectionInstances:
      - { id: DEV, name: Development }
  - use: http
    connectionInstances:
      - id: TARGET
        name: Target API
        settings: { baseUrl: "http://127.0.0.1:8080", healthPath: /health,
                    auth: { type: bearer, token: "\${TARGET_TOKEN}" } }
`;

describe('config file (DESIGN §3)', () => {
  it('loads the design example, resolving ${NAME} from the environment', () => {
    const registry = load(designExample, { TARGET_TOKEN: 'tok-123456' }).registry();
    expect(registry.list().map((connector) => connector.definition.path)).toEqual(['myconnector', 'http']);
    const http = registry.find('http')!;
    expect(http.instances).toEqual([
      {
        id: 'TARGET',
        name: 'Target API',
        settings: { baseUrl: 'http://127.0.0.1:8080', healthPath: '/health', auth: { type: 'bearer', token: 'tok-123456' }, timeoutMs: 10_000, headers: {} },
      },
    ]);
    expect(registry.find('myconnector')!.instances.map((instance) => instance.id)).toEqual(['DEV']);
    expect(JSON.stringify(buildDescriptor(registry))).not.toContain('tok-123456');
  });

  it('refuses a missing variable at start, naming it, the file and the key', () => {
    const { path, err } = loadError(designExample);
    expect(err).toBeInstanceOf(ConfigFileError);
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.message).toBe(`${path}: connectors[1].connectionInstances[0].settings.auth.token references \${TARGET_TOKEN}, which is not set in the environment`);
  });

  it('reads ${file:path} relative to the config file, and $${ as a literal', () => {
    const { dir, registry } = load(`
connectors:
  - use: http
    connectionInstances:
      - id: T
        name: T
        settings: { baseUrl: "http://h", auth: { type: basic, username: "u$\${x}", password: "\${file:secret.txt}" } }
`);
    writeFileSync(join(dir, 'secret.txt'), 'from-a-file\n');
    expect(registry().find('http')!.instances[0]!.settings).toMatchObject({ auth: { username: 'u${x}', password: 'from-a-file' } });
  });

  it("validates each instance's settings with the connector's schema, naming every bad key", () => {
    const { path, err } = loadError(`
connectors:
  - use: example
    connectionInstances: [{ id: DEV, name: Development }]
  - use: http
    connectionInstances:
      - { id: TARGET, name: Target, settings: { baseUrl: "not a url", timeoutMs: -1 } }
`);
    expect(err.message).toBe(
      `${path}: connectors[1].connectionInstances[0].settings.baseUrl: expected an http(s) URL\n${path}: connectors[1].connectionInstances[0].settings.timeoutMs: Too small: expected number to be >0`,
    );
  });

  it('never repeats a rejected value (it may be a secret) in the error', () => {
    const { err } = loadError(`
connectors:
  - use: http
    connectionInstances: [{ id: T, name: T, settings: { baseUrl: "http://h", auth: { type: bearer, token: 12345678901 } } }]
`);
    expect(err.message).toContain('connectors[0].connectionInstances[0].settings.auth.token');
    expect(err.message).not.toContain('12345678901');
  });

  it('reports every problem of the file at once, one line each', () => {
    const { path, err } = loadError(`connectors:
  - use: salesforce
  - use: http
    connectionInstances:
      - { id: A, name: A, settings: { baseUrl: "\${TETHER_TEST_UNSET_VARIABLE}" } }
      - { id: A, name: B, settings: { baseUrl: "http://h", timeoutMs: 0 } }
  - use: example
    connectionInstances: [{ id: DEV, name: Dev, colour: blue }]
`);
    const lines = err.message.split('\n');
    expect(lines).toEqual([
      `${path}: connectors[1].connectionInstances[0].settings.baseUrl references \${TETHER_TEST_UNSET_VARIABLE}, which is not set in the environment`,
      `${path}: connectors[2].connectionInstances[0]: Unrecognized key: "colour"`,
    ]);
    const second = loadError(`connectors:
  - use: salesforce
  - use: http
    connectionInstances:
      - { id: A, name: A, settings: { baseUrl: "\${TETHER_TEST_UNSET_VARIABLE}" } }
      - { id: A, name: B, settings: { baseUrl: "http://h", timeoutMs: 0 } }
`).err.message.split('\n');
    // The unresolved reference is reported once (not again as an invalid URL), with every other problem.
    expect(second).toHaveLength(4);
    expect(second[0]).toContain(': connectors[1].connectionInstances[0].settings.baseUrl references ${TETHER_TEST_UNSET_VARIABLE}, which is not set in the environment');
    expect(second[1]).toContain('connectors[0].use: "salesforce" is not a built-in connector');
    expect(second.slice(2).map((line) => line.slice(line.indexOf('connectors[')))).toEqual([
      'connectors[1].connectionInstances[1].id: A is declared twice',
      'connectors[1].connectionInstances[1].settings.timeoutMs: Too small: expected number to be >0',
    ]);
  });

  it("reads each instance's behaviours allowlist, and names every bad pattern by key", () => {
    const registry = load(`
connectors:
  - use: http
    connectionInstances:
      - { id: A, name: A, settings: { baseUrl: "http://h" }, behaviours: ["acme/prod", "acme/*", "*/dev", "*"] }
      - { id: CLOSED, name: Closed, settings: { baseUrl: "http://h" } }
`).registry();
    expect(registry.find('http')!.instances.map((instance) => [instance.id, instance.behaviours])).toEqual([
      ['A', ['acme/prod', 'acme/*', '*/dev', '*']],
      ['CLOSED', undefined],
    ]);

    const { path, err } = loadError(`
connectors:
  - use: http
    connectionInstances:
      - { id: A, name: A, settings: { baseUrl: "http://h" }, behaviours: ["acme", "acme/prod/x", "../prod", "acme/pr*d", "", "acme/prod"] }
      - { id: B, name: B, settings: { baseUrl: "http://h" }, behaviours: "acme/prod" }
`);
    const pattern = 'must be "*" or "{tenant}/{environment}" where each part is a code (1-64 letters, digits, dots, dashes or underscores, not starting with a dot) or "*"';
    expect(err.message.split('\n')).toEqual([
      ...[0, 1, 2, 3, 4].map((index) => `${path}: connectors[0].connectionInstances[0].behaviours[${index}]: ${pattern}`),
      `${path}: connectors[0].connectionInstances[1].behaviours: Invalid input: expected array, received string`,
    ]);
  });

  it('names an unknown connector and lists the built-ins', () => {
    const { path, err } = loadError('connectors:\n  - use: salesforce\n');
    expect(err.message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: connectors\\[0\\]\\.use: "salesforce" is not a built-in connector \\(example, http, postgres, http-poll, folder-monitor\\) and cannot be loaded as a module`),
    );
  });

  it('loads a plugin module relative to the config file', () => {
    const { dir, registry } = load('');
    writeFileSync(
      join(dir, 'tether.config.yaml'),
      `connectors:\n  - use: ${relative(dir, join(fixtures, 'greeting-connector.js'))}\n    connectionInstances: [{ id: EN, name: English, settings: { salutation: Hi } }]\n`,
    );
    const greeting = registry().find('greeting')!;
    expect(greeting.definition.type).toBe('com.example.greeting');
    expect(greeting.instances[0]!.settings).toEqual({ salutation: 'Hi' });
  });

  it('refuses a plugin whose declaration is invalid, saying why', () => {
    const { err } = loadError(`connectors:\n  - use: ${join(fixtures, 'reserved-path-connector.js')}\n`);
    expect(err.message).toContain('connectors[0].use:');
    expect(err.message).toContain('path "rcf" is reserved');
  });

  it('refuses two connectors on one path and an instance id given twice', () => {
    expect(loadError('connectors:\n  - use: example\n  - use: example\n').err.message).toContain('connectors[1].use: connector path myconnector is already served by connectors[0]');
    expect(loadError('connectors:\n  - use: example\n    connectionInstances: [{ id: A, name: A }, { id: A, name: B }]\n').err.message).toContain(
      'connectors[0].connectionInstances[1].id: A is declared twice',
    );
  });

  it('refuses unknown keys in an entry, bad YAML and a missing file', () => {
    expect(loadError('connectors:\n  - use: example\n    connectionInstance: []\n').err.message).toContain('connectors[0]: Unrecognized key: "connectionInstance"');
    expect(loadError('connectors: [').err.message).toContain('is not valid YAML');
    expect(loadError('connectors:\n  - connectionInstances: []\n').err.message).toContain('connectors[0].use:');
    expect(() => loadConnectorRegistry(parseSettings({ TETHER_CONFIG: '/nonexistent/tether.yaml' }))).toThrow('Invalid setting TETHER_CONFIG: /nonexistent/tether.yaml does not exist');
  });

  it('uses tether.config.yaml from the working directory when present, else the dev defaults', () => {
    const { dir } = load('connectors:\n  - use: postgres\n    connectionInstances: [{ id: DB, name: DB, settings: { host: localhost } }]\n');
    expect(loadConnectorRegistry(parseSettings({}), { cwd: dir }).list().map((c) => c.definition.path)).toEqual(['postgres']);
    const defaults = loadConnectorRegistry(parseSettings({}), { cwd: mkdtempSync(join(tmpdir(), 'tether-empty-')) });
    expect(defaults.list().map((connector) => connector.definition.path)).toEqual(['myconnector', 'http-poll', 'folder-monitor']);
    expect(defaults.find('myconnector')!.instances.map((instance) => instance.id)).toEqual(['DEV', 'PROD']);
  });

  it('refuses credentials in an http baseUrl, naming the key and never repeating them', () => {
    const { path, err } = loadError(`
connectors:
  - use: http
    connectionInstances:
      - { id: T, name: T, settings: { baseUrl: "https://svc:hunter22@api.example.com/v1" } }
`);
    expect(err.message).toBe(
      `${path}: connectors[0].connectionInstances[0].settings.baseUrl: must not contain credentials (user:password@); use auth: {type: basic, username, password}`,
    );
    expect(err.message).not.toContain('hunter22');
  });

  it('declares secrets for integration connectors, resolving ${NAME} in the config file only', () => {
    const registry = load(
      `
connectors:
  - use: http-poll
  - use: folder-monitor
secrets:
  orders-token:
    value: "Bearer \${ORDERS_TOKEN}"
    connectorTypes: [tether.http-poll]
    connectors: [{ group: sales.sync, connector: orders-poll }]
`,
      { ORDERS_TOKEN: 'tok-orders-42' },
    ).registry();
    const user = { connectorType: 'tether.http-poll', group: 'sales.sync', connectorName: 'orders-poll' };
    expect(registry.secrets.resolverFor(user).reveal({ secretRef: 'orders-token' })).toBe('Bearer tok-orders-42');
    expect(registry.secrets.refusal('orders-token', { ...user, connectorName: 'other' })).toBe(
      "secret orders-token may not be used by tether.http-poll connector other of group sales.sync: it is not among the secret's connectors",
    );
    expect(JSON.stringify(buildDescriptor(registry))).not.toContain('tok-orders-42');
  });

  it('refuses a secret without connector types, for a type not configured, or with a bad name', () => {
    const base = 'connectors:\n  - use: http-poll\nsecrets:\n';
    const noTypes = loadError(`${base}  t: { value: x, connectorTypes: [] }\n`);
    expect(noTypes.err.message).toBe(`${noTypes.path}: secrets.t.connectorTypes: name at least one connector type that may use this secret`);
    const typo = loadError(`${base}  t: { value: x, connectorTypes: [tether.http-pol] }\n`);
    expect(typo.err.message).toBe(`${typo.path}: secrets.t.connectorTypes[0]: tether.http-pol is not an integration connector of this file (tether.http-poll)`);
    const badName = loadError(`${base}  "bad name": { value: x, connectorTypes: [tether.http-poll] }\n`);
    expect(badName.err.message).toContain('secrets.bad name: expected a secret name of letters, digits, ".", "_" or "-"');
  });
});
