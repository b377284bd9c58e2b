import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { BehaviourBundle, BehaviourVersion, BehaviourVersions, ScopeCode } from '../contracts/behaviours';

export interface PullOptions {
  tenant: string;
  environment: string;
  /** The hub's HTTP base URL; default: from TETHER_PLATFORM_URL (`ws://host:port/connect` → `http://host:port`). */
  platform?: string;
  /** A version other than the current one. */
  version?: string;
  /** Folder to write to; default `behaviours/{tenant}/{environment}`. */
  out?: string;
  env?: NodeJS.ProcessEnv;
  say?: (line: string) => void;
}

/** The hub's HTTP base URL from a connector's TETHER_PLATFORM_URL (its WebSocket endpoint). */
export function hubUrlOf(platformUrl: string): string {
  const url = new URL(platformUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/connect\/?$/, '');
  return url.toString().replace(/\/$/, '');
}

async function getJson<T extends z.ZodType>(url: string, token: string, schema: T): Promise<z.infer<T>> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return schema.parse(JSON.parse(text));
}

/**
 * `tether behaviours pull {tenant} {environment}`: writes the sources of the current (or a given) version from
 * the platform hub to a folder, with `tether-behaviour.json` naming the version and entry, for reading and debugging.
 */
export async function runBehavioursPull(options: PullOptions): Promise<{ dir: string; version: string }> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { tenant, environment } = z.object({ tenant: ScopeCode, environment: ScopeCode }).parse({ tenant: options.tenant, environment: options.environment });
  const platform = options.platform ?? (env.TETHER_PLATFORM_URL ? hubUrlOf(env.TETHER_PLATFORM_URL) : undefined);
  if (!platform) throw new Error('Name the platform hub: --platform http://hub:4000 (or set TETHER_PLATFORM_URL)');
  const token = env.TETHER_PLATFORM_ADMIN_TOKEN;
  if (!token) throw new Error('Set TETHER_PLATFORM_ADMIN_TOKEN to the hub admin token');
  const base = `${platform.replace(/\/$/, '')}/admin/behaviours/${tenant}/${environment}`;
  const version = options.version ? BehaviourVersion.parse(options.version) : (await getJson(base, token, BehaviourVersions)).current;
  if (!version) throw new Error(`No behaviours are deployed for ${tenant}/${environment} on ${platform}`);
  const bundle = await getJson(`${base}/versions/${version}`, token, BehaviourBundle);
  const dir = resolve(options.out ?? join('behaviours', tenant, environment));
  // Paths are relative with no `..` segments (BehaviourPath), so every file lands inside `dir`.
  for (const [path, source] of Object.entries(bundle.files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, source);
  }
  await writeFile(join(dir, 'tether-behaviour.json'), `${JSON.stringify({ tenant, environment, version, entry: bundle.entry, createdAt: bundle.createdAt, platform }, null, 2)}\n`);
  say(`Wrote version ${version} of ${tenant}/${environment} (${Object.keys(bundle.files).length} files, entry ${bundle.entry}) to ${dir}`);
  return { dir, version };
}
