import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SecretDeclaration, SecretName } from '../connectors/secrets';
import { BehaviourScopePattern } from '../contracts/behaviours';
import { SettingsError } from './settings';

/** Raised when the config file cannot be used; the message names the file and the exact key to fix. */
export class ConfigFileError extends SettingsError {}

const ConnectionInstanceEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id of letters, digits, ".", "_" or "-"'),
  name: z.string().min(1),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Behaviour scopes (`acme/prod`, `acme/*`, `*`) whose code may call this instance; absent: none may. */
  behaviours: z.array(BehaviourScopePattern).max(100, 'list at most 100 patterns').optional(),
});

const ConnectorEntry = z.strictObject({
  /** A built-in connector's name, or a module path (relative to the config file) or package of a plugin. */
  use: z.string().min(1),
  connectionInstances: z.array(ConnectionInstanceEntry).default([]),
});

/** The config file (DESIGN §3). Other top-level sections are left to their owners. */
export const ConfigFile = z.object({
  connectors: z.array(ConnectorEntry),
  /** Named secrets integration group definitions may reference (`{secretRef: name}`), and who may use each. */
  secrets: z
    .record(SecretName, SecretDeclaration, { error: (issue) => (issue.code === 'invalid_key' ? 'expected a secret name of letters, digits, ".", "_" or "-" (at most 100)' : undefined) })
    .default({}),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** A config file read and checked, with where it lives (plugins resolve relative to it). */
export interface LoadedConfigFile {
  path: string;
  config: ConfigFile;
  /**
   * References that could not be resolved, one line each, and the keys holding them (read as ''): the file's
   * shape was sound, so the caller goes on checking connectors and reports these with its own problems.
   */
  unresolved: { problems: string[]; keys: Set<string> };
}

/** `connectors[1].connectionInstances[0].settings.baseUrl` from a zod-style path. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/** The config file to read: TETHER_CONFIG, else `tether.config.yaml` in the working directory if present. */
export function findConfigFile(configured: string | undefined, cwd = process.cwd()): string | undefined {
  if (configured !== undefined) {
    const path = resolve(cwd, configured);
    if (!existsSync(path)) throw new ConfigFileError(`Invalid setting TETHER_CONFIG: ${path} does not exist`);
    return path;
  }
  const fallback = resolve(cwd, 'tether.config.yaml');
  return existsSync(fallback) ? fallback : undefined;
}

const reference = /\$\{([^}]*)\}/g;

/**
 * Resolves `${NAME}` (environment) and `${file:path}` (a file's content without its final newline, path
 * relative to the config file) in every string of the parsed YAML; `$${` stands for a literal `${`.
 * Done after parsing so a value can never change the YAML's structure. A reference that cannot be
 * resolved adds a problem (one line) and resolves to an empty string, so every such problem is reported.
 */
function resolveReferences(value: unknown, path: PropertyKey[], file: string, env: NodeJS.ProcessEnv, unresolved: LoadedConfigFile['unresolved']): unknown {
  if (typeof value === 'string') {
    return value.split('$${').map((part) =>
      part.replace(reference, (_, name: string) => {
        const at = `${file}: ${keyPath(path)}`;
        const problem = (line: string) => {
          unresolved.problems.push(line);
          unresolved.keys.add(keyPath(path));
        };
        if (name.startsWith('file:')) {
          const target = resolve(dirname(file), name.slice(5));
          if (existsSync(target)) return readFileSync(target, 'utf8').replace(/\r?\n$/, '');
          problem(`${at} references \${${name}}, but ${target} does not exist`);
        } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          problem(`${at}: \${${name}} is not a valid reference (use \${ENV_VAR} or \${file:path})`);
        } else if (env[name] === undefined) {
          problem(`${at} references \${${name}}, which is not set in the environment`);
        } else {
          return env[name];
        }
        return '';
      }),
    ).join('${');
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveReferences(item, [...path, index], file, env, unresolved));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, [...path, key], file, env, unresolved)]));
  }
  return value;
}

/**
 * Reads, resolves and checks the shape of a config file; a bad shape throws one error listing every problem,
 * one line each, naming file and key. Unresolved references come back in `unresolved` for the caller to report.
 */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfigFile {
  const file = isAbsolute(path) ? path : resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigFileError(`${file}: is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const unresolved = { problems: [] as string[], keys: new Set<string>() };
  const result = ConfigFile.safeParse(resolveReferences(parsed ?? {}, [], file, env, unresolved));
  if (!result.success) {
    throw new ConfigFileError([...unresolved.problems, ...result.error.issues.map((issue) => `${file}: ${keyPath(issue.path) || '(file)'}: ${issue.message}`)]);
  }
  return { path: file, config: result.data, unresolved };
}
