import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Settings } from './settings';
import { ConfigFileError, findConfigFile, keyPath, readConfigFile, type LoadedConfigFile } from './config-file';
import { builtinConnectors } from '../connectors/builtins';
import { registerTypeScript } from '../sdk/typescript';
import { ConnectorRegistry, type RegisteredConnector } from '../connectors/registry';
import { SecretStore } from '../connectors/secrets';
import { ConnectorDeclarationError, defineConnector, type ConnectionInstance, type ConnectorDefinition } from '../connectors/sdk';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Builds the connector registry: from the config file (TETHER_CONFIG, or `tether.config.yaml` if present),
 * else the dev defaults (DESIGN §3). Settings are validated and secrets resolved here, once, in the process
 * that runs connectors: they stay in this registry and never travel in workflow payloads.
 */
export function loadConnectorRegistry(settings: Pick<Settings, 'TETHER_CONFIG'>, options: LoadOptions = {}): ConnectorRegistry {
  const file = findConfigFile(settings.TETHER_CONFIG, options.cwd);
  if (!file) return new ConnectorRegistry(devDefaults());
  const loaded = readConfigFile(file, options.env ?? process.env);
  const connectors = connectorsFrom(loaded);
  return new ConnectorRegistry(connectors, secretsFrom(loaded, connectors));
}

/** No config file: the example connector (DEV, PROD) and the integration connectors, so a bare start shows something. */
export function devDefaults(): RegisteredConnector[] {
  const instance = (definition: ConnectorDefinition<any, any>, id: string, name: string): ConnectionInstance<unknown> => ({
    id,
    name,
    settings: definition.settings.parse({}),
  });
  const { example, 'http-poll': httpPoll, 'folder-monitor': folderMonitor } = builtinConnectors;
  return [
    { definition: example!, instances: [instance(example!, 'DEV', 'Development'), instance(example!, 'PROD', 'Production')] },
    ...[httpPoll!, folderMonitor!].map((definition) => ({ definition, instances: [instance(definition, 'DEFAULT', 'Default')] })),
  ];
}

/** The connector a `use:` names: a built-in, else a plugin module resolved relative to the config file. */
function resolveConnector(use: string, at: string, configPath: string): ConnectorDefinition<any, any> {
  const builtin = builtinConnectors[use];
  if (builtin) return builtin;
  const fromConfig = createRequire(resolve(dirname(configPath), 'tether.config.yaml'));
  let exported: Record<string, unknown>;
  try {
    const target = use.startsWith('.') || use.startsWith('/') ? resolve(dirname(configPath), use) : use;
    // A plugin written in TypeScript is compiled as it loads (esbuild); its types are the author's `tsc` to check.
    if (/\.ts$/.test(target)) registerTypeScript();
    exported = fromConfig(target) as Record<string, unknown>;
  } catch (err) {
    const builtins = Object.keys(builtinConnectors).join(', ');
    throw new ConfigFileError(`${configPath}: ${at}.use: ${JSON.stringify(use)} is not a built-in connector (${builtins}) and cannot be loaded as a module: ${(err as Error).message.split('\n')[0]}`);
  }
  const looksLikeConnector = (value: unknown): value is ConnectorDefinition<any, any> =>
    !!value && typeof value === 'object' && 'path' in value && 'actions' in value && 'checkHealth' in value;
  const candidates = [exported.default, exported.connector, exported].filter(looksLikeConnector);
  const named = Object.values(exported).filter(looksLikeConnector);
  const definition = candidates[0] ?? (named.length === 1 ? named[0] : undefined);
  if (!definition) {
    throw new ConfigFileError(`${configPath}: ${at}.use: module ${use} exports no connector (export it as default, as \`connector\`, or as its only connector export)`);
  }
  if (!definition.settings || typeof (definition.settings as { safeParse?: unknown }).safeParse !== 'function') {
    throw new ConfigFileError(`${configPath}: ${at}.use: connector ${JSON.stringify(definition.name)} from ${use} needs a zod \`settings\` schema`);
  }
  try {
    return defineConnector(definition);
  } catch (err) {
    if (err instanceof ConnectorDeclarationError) throw new ConfigFileError(`${configPath}: ${at}.use: ${use}: ${err.message}`);
    throw err;
  }
}

/** Turns the config file's entries into registered connectors, checking every instance's settings; reports every problem at once. */
export function connectorsFrom({ path, config, unresolved }: LoadedConfigFile): RegisteredConnector[] {
  const byPath = new Map<string, string>();
  const problems: string[] = [...unresolved.problems];
  const connectors = config.connectors.flatMap((entry, index): RegisteredConnector[] => {
    const at = `connectors[${index}]`;
    let definition: ConnectorDefinition<any, any>;
    try {
      definition = resolveConnector(entry.use, at, path);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      problems.push(...err.problems);
      return [];
    }
    const previous = byPath.get(definition.path);
    if (previous) problems.push(`${path}: ${at}.use: connector path ${definition.path} is already served by ${previous}`);
    byPath.set(definition.path, at);
    const ids = new Set<string>();
    const instances = entry.connectionInstances.flatMap((instance, i) => {
      const where = `${at}.connectionInstances[${i}]`;
      if (ids.has(instance.id)) problems.push(`${path}: ${where}.id: ${instance.id} is declared twice`);
      ids.add(instance.id);
      const settings = definition.settings.safeParse(instance.settings ?? {});
      if (!settings.success) {
        // Messages only, never the values: a rejected value may be a secret.
        const located = settings.error.issues.map((issue) => ({ key: `${where}.${keyPath(['settings', ...issue.path])}`, message: issue.message }));
        // A key whose reference was not resolved is reported once, for the reference.
        problems.push(...located.filter(({ key }) => !unresolved.keys.has(key)).map(({ key, message }) => `${path}: ${key}: ${message}`));
        return [];
      }
      return [{ id: instance.id, name: instance.name, settings: settings.data, ...(instance.behaviours ? { behaviours: instance.behaviours } : {}) }];
    });
    return [{ definition, instances }];
  });
  if (problems.length > 0) throw new ConfigFileError(problems);
  return connectors;
}

/** The declared secrets; a connector type no configured integration connector has is a typo, refused at start. */
export function secretsFrom({ path, config }: LoadedConfigFile, connectors: RegisteredConnector[]): SecretStore {
  const types = new Set(connectors.filter((c) => c.definition.integration).map((c) => c.definition.type));
  const problems = Object.entries(config.secrets).flatMap(([name, secret]) =>
    secret.connectorTypes.flatMap((type, index) =>
      types.has(type) ? [] : [`${path}: secrets.${name}.connectorTypes[${index}]: ${type} is not an integration connector of this file (${[...types].join(', ') || 'none configured'})`],
    ),
  );
  if (problems.length > 0) throw new ConfigFileError(problems);
  return new SecretStore(config.secrets);
}
