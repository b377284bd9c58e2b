import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BehaviourBundle, type CurrentBehaviour } from '../contracts/behaviours';

/**
 * The versions a connector downloaded, on disk where a developer can read and debug them (seed 000 §4):
 * `{root}/{tenant}/{environment}/{version}/src/…` (the sources as deployed), `build/behaviour.js` and its
 * source map (written by the Behaviour Server), `version.json` (entry, date); `{root}/{tenant}/{environment}/current`.
 */
export class VersionFiles {
  constructor(readonly root: string) {}

  /**
   * Creates the root for this user only, or checks an existing one: it must be this user's and writable by no
   * one else. The default root is in the shared temporary folder, where another local user could otherwise
   * create it first and swap in versions (code run as a tenant's behaviours, with its connection instances).
   * Undefined when it is fit; else why not.
   */
  async claimRoot(): Promise<string | undefined> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const uid = process.getuid?.();
    if (uid === undefined) return undefined;
    const { uid: owner, mode } = await stat(this.root);
    if (owner !== uid) return `${this.root} belongs to user ${owner}, not to this process's user ${uid}`;
    if (mode & 0o022) return `${this.root} is writable by other users (mode ${(mode & 0o777).toString(8)}); chmod go-w it, or choose another folder`;
    return undefined;
  }

  dirOf(tenant: string, environment: string, version: string): string {
    return join(this.root, tenant, environment, version);
  }

  /** The version's description, or undefined when it is not on disk. */
  async read(tenant: string, environment: string, version: string): Promise<Omit<BehaviourBundle, 'files'> | undefined> {
    try {
      const text = await readFile(join(this.dirOf(tenant, environment, version), 'version.json'), 'utf8');
      return BehaviourBundle.omit({ files: true }).parse(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /** Writes a downloaded version; a half-written one never appears (written aside, then renamed into place). */
  async write(tenant: string, environment: string, bundle: BehaviourBundle): Promise<void> {
    const dir = this.dirOf(tenant, environment, bundle.version);
    if (await this.read(tenant, environment, bundle.version)) return;
    const staging = `${dir}.partial-${randomUUID()}`;
    for (const [path, source] of Object.entries(bundle.files)) {
      const file = join(staging, 'src', path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, source);
    }
    await writeFile(join(staging, 'version.json'), JSON.stringify({ version: bundle.version, entry: bundle.entry, createdAt: bundle.createdAt }, null, 2));
    try {
      await rename(staging, dir);
    } catch {
      // Another writer put the same immutable version in place first.
      await rm(staging, { recursive: true, force: true });
    }
  }

  async setCurrent(current: CurrentBehaviour): Promise<void> {
    const file = join(this.root, current.tenant, current.environment, 'current');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, current.version);
    await rename(`${file}.tmp`, file);
  }

  /** Current versions recorded by an earlier run (what TETHER_BEHAVIOURS_LOCK keeps). */
  async currents(): Promise<CurrentBehaviour[]> {
    const found: CurrentBehaviour[] = [];
    for (const tenant of await readdir(this.root).catch(() => [])) {
      for (const environment of await readdir(join(this.root, tenant)).catch(() => [])) {
        const version = (await readFile(join(this.root, tenant, environment, 'current'), 'utf8').catch(() => '')).trim();
        if (version && (await this.read(tenant, environment, version))) found.push({ tenant, environment, version });
      }
    }
    return found;
  }

  /** Versions on disk for one tenant and environment. */
  async versions(tenant: string, environment: string): Promise<string[]> {
    const names = await readdir(join(this.root, tenant, environment)).catch(() => []);
    return names.filter((name) => /^[0-9a-f]{16}$/.test(name)).sort();
  }
}
