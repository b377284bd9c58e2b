import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { codecAllowedOrigins } from '../../src/api/routes/codec';
import { buildProgram } from '../../src/cli/main';
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
  restart?: string;
}

const root = join(__dirname, '..', '..');
const composePath = join(root, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const { services } = compose;
/** The services running this repository's image (built from its Dockerfile). */
const tetherServices = Object.keys(services).filter((name) => services[name]!.build === '.');
const knownSettings = new Set(Object.keys(SettingsSchema.shape));
/** `docker compose` variables (`${NAME…}`, not the shell's escaped `$${name}`), with how they are used. */
const composeVariables = [...composeText.matchAll(/(?<!\$)\$\{(\w+)(?::([-?]))?/g)].map(([, name, kind]) => ({ name: name!, required: kind === '?' }));

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
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('describes the production topology', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'platform', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    // The server image, not auto-setup (a development image): the schema job prepares the databases.
    expect(services.temporal!.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(Object.values(services).map((service) => service.image)).not.toContainEqual(expect.stringContaining('auto-setup'));
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(tetherServices.sort()).toEqual(['api', 'platform', 'worker']);
    for (const name of tetherServices) expect(services[name]!.command).toEqual([name]);
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

  it('runs only commands the tether CLI has', () => {
    const commands = buildProgram().commands.map((command) => command.name());
    for (const name of tetherServices) {
      const [command] = ([] as string[]).concat(services[name]!.command ?? []);
      expect({ service: name, command, known: commands.includes(command!) }).toEqual({ service: name, command, known: true });
    }
    const [, imageDefault] = /^CMD \["([\w-]+)"\]$/m.exec(dockerfile)!;
    expect(commands).toContain(imageDefault);
  });

  it('names only Tether settings wherever it sets or reads a TETHER_ variable', () => {
    const set = Object.values(services).flatMap((service) => Object.keys(service.environment ?? {}));
    const read = composeVariables.map(({ name }) => name);
    const unknown = [...new Set([...set, ...read])].filter((name) => name.startsWith('TETHER_') && !knownSettings.has(name));
    expect(unknown).toEqual([]);
  });

  it('publishes each service on the port it listens on, and every address and health check names a listening port', () => {
    const published = Object.fromEntries(
      Object.entries(services).map(([name, service]) => [name, (service.ports ?? []).map((mapping) => {
        // [ip:]host[-last]:container
        const [container, host] = mapping.split(':').reverse();
        const [first, last = first] = host!.split('-').map(Number);
        expect({ mapping, valid: Number.isInteger(first) && Number.isInteger(last) && last! >= first! }).toEqual({ mapping, valid: true });
        return { hosts: Array.from({ length: last! - first! + 1 }, (_, i) => first! + i), container: Number(container) };
      })]),
    );
    // What each process listens on, as Tether's settings (or the UI's variable) read it.
    const api = parseSettings(envOf(services.api!));
    const worker = parseSettings(envOf(services.worker!));
    const platform = parseSettings(envOf(services.platform!));
    const listens: Record<string, number> = { api: api.PORT, worker: worker.TETHER_METRICS_PORT!, platform: platform.PLATFORM_PORT, 'temporal-ui': Number(services['temporal-ui']!.environment!.TEMPORAL_UI_PORT), temporal: 7233 };
    for (const [name, port] of Object.entries(listens)) {
      expect({ name, containerPorts: published[name]!.map(({ container }) => container) }).toEqual({ name, containerPorts: name === 'worker' ? [] : [port] });
      if (services[name]!.healthcheck?.test[0] === 'CMD') expect({ name, health: healthCommand(services[name]!) }).toEqual({ name, health: expect.stringContaining(`http://127.0.0.1:${port}/`) });
    }
    // The SDK's metrics exporter must not take the worker's /metrics port.
    expect(worker.TETHER_SDK_METRICS_PORT).not.toBe(worker.TETHER_METRICS_PORT);
    // Each API replica takes one host port of the range; no host port is published twice.
    expect(published.api![0]!.hosts).toHaveLength(services.api!.deploy!.replicas!);
    const hostPorts = Object.values(published).flatMap((mappings) => mappings.flatMap(({ hosts }) => hosts));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    // Addresses between containers (`temporal:7233`) name a port their service listens on.
    for (const service of Object.values(services)) {
      const text = [...Object.values(envOf(service)), ...([] as string[]).concat(service.command ?? [])].join(' ');
      for (const [, host, port] of text.matchAll(/\b([a-z][\w-]*):(\d+)\b/g)) {
        if (host! in listens) expect(`${host}:${port}`).toBe(`${host}:${listens[host!]}`);
      }
    }
    // Addresses a browser uses (the UI's codec endpoint, the API's public URL) name a published API port.
    for (const url of [envOf(services['temporal-ui']!).TEMPORAL_CODEC_ENDPOINT!, api.TETHER_PUBLIC_URL!]) {
      expect(published.api![0]!.hosts).toContain(Number(new URL(url).port));
    }
    // The image declares the ports its processes listen on.
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)![1]!.split(/\s+/).map(Number);
    expect(exposed).toEqual(expect.arrayContaining([api.PORT, platform.PLATFORM_PORT, worker.TETHER_METRICS_PORT]));
  });

  it('starts each service only after services that exist and can satisfy its condition, with no cycle', () => {
    const oneShot = (service: Service) => service.restart === 'on-failure' && !service.healthcheck && !service.ports;
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect({ name, dependency, exists: Boolean(target) }).toEqual({ name, dependency, exists: true });
        const satisfiable = condition === 'service_healthy' ? Boolean(target!.healthcheck) : condition === 'service_completed_successfully' ? oneShot(target!) : condition === 'service_started';
        expect({ name, dependency, condition, satisfiable }).toEqual({ name, dependency, condition, satisfiable: true });
      }
      // A service that addresses another (`temporal:7233`, `POSTGRES_SEEDS: postgresql`) waits for it.
      const env = envOf(service);
      const text = [...Object.values(env), ...([] as string[]).concat(service.command ?? [])].join(' ');
      const hosts = Object.entries(env).filter(([key]) => /HOST|SEEDS|ADDRESS/.test(key)).map(([, value]) => value);
      const addressed = Object.keys(services).filter((other) => other !== name && (new RegExp(`\\b${other}:\\d+\\b`).test(text) || hosts.includes(other)));
      expect({ name, waitsFor: addressed.filter((other) => !service.depends_on?.[other]) }).toEqual({ name, waitsFor: [] });
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      expect({ cycle: visiting.has(name) ? [...path, name] : [] }).toEqual({ cycle: [] });
      visiting.add(name);
      for (const dependency of Object.keys(services[name]!.depends_on ?? {})) visit(dependency, [...path, name]);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  it('commits no secret: each comes from the environment, required, with no default, and the example .env holds none', () => {
    const secret = /PASSWORD|PWD|TOKEN|SECRET|_KEY$/;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (secret.test(key)) expect({ service: name, key, value }).toEqual({ service: name, key, value: expect.stringMatching(/^\$\{\w+:\?[^}]*\}$/) });
      }
    }
    const required = [...new Set(composeVariables.filter(({ required }) => required).map(({ name }) => name))].sort();
    // Without any one of them compose refuses to start (the message names it) rather than defaulting it.
    for (const name of required) {
      const { [name as keyof typeof dotEnv]: _, ...without } = dotEnv;
      expect(() => Object.values(services).forEach((service) => envOf(service, without))).toThrow(`compose needs ${name}`);
    }
    // The file's header and .env.example (cp .env.example .env) list exactly those, and the example sets no value.
    expect([...new Set(/^# Required: ([^.]+)\./m.exec(composeText)![1]!.match(/\b[A-Z][A-Z0-9_]+\b/g))].sort()).toEqual(required);
    const example = readFileSync(join(root, '.env.example'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    expect(example.map((line) => line.split('=')[0]).sort()).toEqual(required);
    expect(example.filter((line) => !line.endsWith('='))).toEqual([]);
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it('is valid for docker-compose (1.29, which needs no engine for `config`), which resolves it as this test reads it', () => {
    const dockerCompose = process.env.DOCKER_COMPOSE_PATH ?? '/usr/bin/docker-compose';
    if (!existsSync(dockerCompose)) {
      throw new Error(`docker-compose not found at ${dockerCompose}: this test needs it (apt-get install -y --no-install-recommends docker-compose, as .ci/run does; or set DOCKER_COMPOSE_PATH)`);
    }
    // An empty env file, so a developer's .env beside the compose file cannot stand in for a missing variable.
    const { POSTGRES_PASSWORD: _, ...withoutPassword } = dotEnv;
    const dir = mkdtempSync(join(tmpdir(), 'tether-compose-'));
    const emptyEnvFile = join(dir, '.env');
    writeFileSync(emptyEnvFile, '');
    const config = (env: Record<string, string>) =>
      spawnSync(dockerCompose, ['--env-file', emptyEnvFile, '--file', composePath, 'config'], { env: { PATH: process.env.PATH!, HOME: dir, ...env }, encoding: 'utf8' });
    const [answer, refused] = [config(dotEnv), config(withoutPassword)];
    rmSync(dir, { recursive: true });
    expect({ status: answer.status, stderr: answer.stderr }).toEqual({ status: 0, stderr: '' });
    const resolved = parse(answer.stdout) as { services: Record<string, Service> };
    expect(Object.keys(resolved.services).sort()).toEqual(Object.keys(services).sort());
    for (const [name, service] of Object.entries(services)) {
      expect({ name, environment: resolved.services[name]!.environment ?? {} }).toEqual({ name, environment: envOf(service) });
    }
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('set POSTGRES_PASSWORD');
  });
});

describe('Dockerfile', () => {
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
