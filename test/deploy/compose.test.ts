import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { codecAllowedOrigins } from '../../src/api/routes/codec';
import { parseSettings, SettingsSchema } from '../../src/config/settings';
import { tetherSearchAttributeKeys } from '../../src/contracts/search-attributes';
import { TEMPORAL_SERVER_VERSION } from '../../src/cluster/server-binaries';

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  ports?: string[];
}

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;
const tetherServices = ['api', 'worker', 'platform'] as const;

/** What `docker compose` makes of `${VAR}`, `${VAR:-default}` and `${VAR:?message}` given an .env. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, arg?: string) => {
    if (env[name]) return env[name]!;
    if (kind === '?') throw new Error(`compose needs ${name}: ${arg}`);
    return kind === '-' ? arg! : '';
  });
}
const dotEnv = {
  TETHER_CODEC_KEY: Buffer.alloc(32, 7).toString('base64'),
  TETHER_ADMIN_TOKEN: 'admin-token-0123456789',
  TETHER_SPI_PASSWORD: 'spi-password',
  TETHER_SPI_TOKEN: 'spi-token-0123456789',
  TETHER_PLATFORM_ADMIN_TOKEN: 'platform-token-0123456789',
  POSTGRES_PASSWORD: 'pg-password',
};
const envOf = (service: Service, env: Record<string, string> = dotEnv) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), env)]));
const healthCommand = (service: Service) => service.healthcheck!.test.join(' ');

describe('docker-compose.yml', () => {
  it('describes the production topology', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'platform', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    // The server image, not auto-setup (a development image): the schema job prepares the databases.
    expect(services.temporal!.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(Object.values(services).map((service) => service.image)).not.toContainEqual(expect.stringContaining('auto-setup'));
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    for (const name of tetherServices) {
      expect(services[name]!.build).toBe('.');
      expect(services[name]!.command).toEqual([name]);
    }
    expect(services.api!.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('health-checks every long-running service, the API through GET /health/ready', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'temporal-setup' || name === 'temporal-schema') continue;
      expect({ name, hasHealthcheck: (service.healthcheck?.test?.length ?? 0) > 0 }).toEqual({ name, hasHealthcheck: true });
    }
    expect(healthCommand(services.api!)).toContain('http://127.0.0.1:3000/health/ready');
    expect(healthCommand(services.platform!)).toContain('http://127.0.0.1:4000/health');
    expect(healthCommand(services.postgresql!)).toContain('pg_isready');
    expect(healthCommand(services.temporal!)).toContain('temporal operator cluster health');
    const workerPort = services.worker!.environment!.TETHER_METRICS_PORT;
    expect(healthCommand(services.worker!)).toContain(`http://127.0.0.1:${workerPort}/health/live`);
  });

  it('starts each service after what it needs is healthy', () => {
    const dependsOn = (name: string) => Object.fromEntries(Object.entries(services[name]!.depends_on ?? {}).map(([dep, { condition }]) => [dep, condition]));
    expect(dependsOn('temporal-schema')).toEqual({ postgresql: 'service_healthy' });
    expect(dependsOn('temporal')).toEqual({ postgresql: 'service_healthy', 'temporal-schema': 'service_completed_successfully' });
    expect(dependsOn('temporal-setup')).toEqual({ temporal: 'service_healthy' });
    expect(dependsOn('temporal-ui')).toEqual({ temporal: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect(dependsOn(name)).toEqual({ temporal: 'service_healthy', 'temporal-setup': 'service_completed_successfully' });
      expect(services[name]!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });

  it('creates both databases and brings their schemas to the version of the server it runs (admin-tools job)', () => {
    const command = ([] as string[]).concat(services['temporal-schema']!.command ?? []).join(' ');
    expect(command).toContain('for db in temporal:temporal temporal_visibility:visibility');
    for (const step of ['--quiet create-database', '--quiet setup-schema -v 0.0', 'update-schema -d /etc/temporal/schema/postgresql/v12/$$schema/versioned']) {
      expect(command).toContain(step);
    }
    expect(envOf(services['temporal-schema']!)).toMatchObject({ SQL_PLUGIN: 'postgres12', SQL_HOST: 'postgresql', SQL_PASSWORD: dotEnv.POSTGRES_PASSWORD });
    expect(interpolate(services['temporal-schema']!.image!, dotEnv)).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  });

  it('creates the namespace and registers every Tether search attribute with its type, each one unless present', () => {
    const command = ([] as string[]).concat(services['temporal-setup']!.command ?? []).join(' ');
    const cliType = { KEYWORD: 'Keyword', DATETIME: 'Datetime' } as Record<string, string>;
    for (const key of tetherSearchAttributeKeys) {
      expect(command).toMatch(new RegExp(`\\b${key.name}:${cliType[key.type]}\\b`));
    }
    expect(command).toContain('grep -qw "$${attribute%%:*}" || temporal operator search-attribute create');
    expect(command).toContain('--name "$${attribute%%:*}" --type "$${attribute#*:}"');
    expect(command).toContain('--address temporal:7233 --namespace default');
    expect(command).toContain('temporal operator namespace create --address temporal:7233 --namespace default');
  });

  it('points the Temporal UI at the API codec endpoint, whose CORS allows the UI origin', () => {
    const ui = envOf(services['temporal-ui']!);
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:3000/codec');
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
    const uiHostPort = services['temporal-ui']!.ports![0]!.split(':').at(-2);
    const apiSettings = parseSettings(envOf(services.api!));
    expect(codecAllowedOrigins(apiSettings)).toContain(`http://localhost:${uiHostPort}`);
    expect(services.api!.ports![0]).toMatch(/^3000(-\d+)?:3000$/);
  });

  it('publishes the unauthenticated Temporal frontend and UI on the host loopback only', () => {
    // Neither has a login: on every interface, anyone on the network could terminate, signal or reset any run.
    expect(services.temporal!.ports).toEqual(['127.0.0.1:7233:7233']);
    expect(services['temporal-ui']!.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('uses only settings Tether knows, with values its settings schema accepts', () => {
    const known = new Set(Object.keys(SettingsSchema.shape));
    for (const name of tetherServices) {
      const unknown = Object.keys(services[name]!.environment ?? {}).filter((key) => !known.has(key));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
      const env = envOf(services[name]!);
      expect(() => parseSettings(env)).not.toThrow();
    }
    expect(parseSettings(envOf(services.api!)).NODE_ENV).toBe('production');
  });

  it('refuses to start without the secrets instead of defaulting them', () => {
    const { TETHER_CODEC_KEY: _, ...withoutKey } = dotEnv;
    expect(() => envOf(services.worker!, withoutKey)).toThrow(/compose needs TETHER_CODEC_KEY/);
    const { TETHER_ADMIN_TOKEN: __, ...withoutToken } = dotEnv;
    expect(() => envOf(services.api!, withoutToken)).toThrow(/compose needs TETHER_ADMIN_TOKEN/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds the compiled CLI and runs it as a non-root user, the API by default', () => {
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    // What `npm run build` runs besides tsc: the workflow bundler, so processes load the bundle instead of running webpack.
    expect(dockerfile).toContain('COPY scripts ./scripts');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/tether.js"]');
    expect(dockerfile).toContain('CMD ["api"]');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
  });
});
