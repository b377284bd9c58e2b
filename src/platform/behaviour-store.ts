import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BehaviourBundle, BehaviourVersion, type BehaviourVersions, type CurrentBehaviour } from '../contracts/behaviours';

/** What the hub keeps per tenant and environment besides the versions themselves. */
const ScopeIndex = z.object({
  current: BehaviourVersion.nullable(),
  versions: z.array(z.object({ version: BehaviourVersion, entry: z.string(), createdAt: z.string(), files: z.number().int(), bytes: z.number().int() })),
});
type ScopeIndex = z.infer<typeof ScopeIndex>;

/** The content hash that names a version: the same files and entry always give the same version. */
export function versionOf(entry: string, files: Record<string, string>): string {
  const canonical = JSON.stringify({ entry, files: Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * The hub's behaviours (DESIGN §9): immutable versions per tenant and environment, and which one is current.
 * On disk under `{dataDir}/behaviours/{tenant}/{environment}/`: `{version}.json` each, `index.json`; written
 * aside and renamed, so a crash never leaves half a file.
 */
export class BehaviourStore {
  private readonly scopes = new Map<string, ScopeIndex>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly root: string) {}

  static async open(dataDir: string): Promise<BehaviourStore> {
    const store = new BehaviourStore(join(dataDir, 'behaviours'));
    for (const tenant of await readdir(store.root).catch(() => [])) {
      for (const environment of await readdir(join(store.root, tenant)).catch(() => [])) {
        const file = join(store.root, tenant, environment, 'index.json');
        const parsed = ScopeIndex.safeParse(JSON.parse(await readFile(file, 'utf8')));
        if (!parsed.success) throw new Error(`Platform hub behaviours index ${file} is not valid: ${parsed.error.issues[0]?.message}`);
        store.scopes.set(key(tenant, environment), parsed.data);
      }
    }
    return store;
  }

  /** Stores a version (unless the same content is already stored) and makes it current. */
  async deploy(tenant: string, environment: string, entry: string, files: Record<string, string>): Promise<{ version: string; created: boolean }> {
    const version = versionOf(entry, files);
    const index = this.scopes.get(key(tenant, environment)) ?? { current: null, versions: [] };
    const created = !index.versions.some((known) => known.version === version);
    if (created) {
      const bundle: BehaviourBundle = { version, entry, files, createdAt: new Date().toISOString() };
      await this.write(join(this.root, tenant, environment, `${version}.json`), bundle);
      index.versions.push({ version, entry, createdAt: bundle.createdAt, files: Object.keys(files).length, bytes: Buffer.byteLength(JSON.stringify(files)) });
    }
    index.current = version;
    await this.saveIndex(tenant, environment, index);
    return { version, created };
  }

  /** Makes an earlier version current again; false when the version is not one of this scope's. */
  async rollback(tenant: string, environment: string, version: string): Promise<boolean> {
    const index = this.scopes.get(key(tenant, environment));
    if (!index?.versions.some((known) => known.version === version)) return false;
    index.current = version;
    await this.saveIndex(tenant, environment, index);
    return true;
  }

  list(tenant: string, environment: string): BehaviourVersions {
    const index = this.scopes.get(key(tenant, environment));
    return { tenant, environment, current: index?.current ?? null, versions: index?.versions ?? [] };
  }

  /** Every tenant and environment with a current version. */
  currents(): CurrentBehaviour[] {
    return [...this.scopes.entries()]
      .filter(([, index]) => index.current)
      .map(([id, index]) => {
        const [tenant, environment] = id.split('/') as [string, string];
        return { tenant, environment, version: index.current! };
      });
  }

  async bundle(tenant: string, environment: string, version: string): Promise<BehaviourBundle | undefined> {
    if (!this.scopes.get(key(tenant, environment))?.versions.some((known) => known.version === version)) return undefined;
    return BehaviourBundle.parse(JSON.parse(await readFile(join(this.root, tenant, environment, `${version}.json`), 'utf8')));
  }

  private async saveIndex(tenant: string, environment: string, index: ScopeIndex): Promise<void> {
    this.scopes.set(key(tenant, environment), index);
    await this.write(join(this.root, tenant, environment, 'index.json'), index);
  }

  /** Serialised, so an older snapshot never lands after a newer one. */
  private write(file: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    const next = this.writing.then(async () => {
      await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
      await writeFile(`${file}.tmp`, text, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

const key = (tenant: string, environment: string) => `${tenant}/${environment}`;
