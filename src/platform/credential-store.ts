import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConnectorId } from './frames';

/** Parameters of the scrypt hash (OWASP's minimum for scrypt: N=2^17 is better but costs 128 MiB per check; 2^15 keeps a login at ~50 ms). */
const scryptParams = { N: 1 << 15, r: 8, p: 1, keyLength: 32, maxmem: 64 * 1024 * 1024 };

export const Privilege = z
  .string()
  .regex(
    /^(\*|[A-Za-z0-9._-]+\/(\*|[A-Za-z0-9._:-]+)|behaviours:[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+)$/,
    'must be `*`, `connector_path/*`, `connector_path/action_path` or `behaviours:tenant/environment`',
  );

/** One registered connector as kept on disk: never the secret, only its hash. */
export const StoredConnector = z.object({
  id: ConnectorId,
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  secretHash: z.string(),
  privileges: z.array(Privilege),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredConnector = z.infer<typeof StoredConnector>;

const HubState = z.object({ version: z.literal(1), connectors: z.array(StoredConnector) });
type HubState = z.infer<typeof HubState>;

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength, maxmem } = scryptParams;
  const key = await scryptAsync(secret, salt, keyLength, { N, r, p, maxmem });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a secret against a stored hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: scryptParams.maxmem,
  });
  return timingSafeEqual(key, expected);
}

/**
 * The hub's registered connectors, kept as JSON in the data directory so they survive restarts.
 * Writes go to a temporary file renamed over the old one, so a crash never leaves half a file.
 */
export class CredentialStore {
  private readonly connectors = new Map<string, StoredConnector>();
  /** Hash of a random secret: unknown ids are checked against it so they take as long as known ones. */
  private decoyHash: Promise<string> = hashSecret(randomBytes(16).toString('hex'));
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  /** Opens (or starts) the store in `dataDir`; a corrupt state file is an error naming the file, not a silent reset. */
  static async open(dataDir: string): Promise<CredentialStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const store = new CredentialStore(join(dataDir, 'hub-state.json'));
    let text: string | undefined;
    try {
      text = await readFile(store.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const parsed = HubState.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`Platform hub state ${store.file} is not valid: ${parsed.error.issues[0]?.message}`);
      for (const connector of parsed.data.connectors) store.connectors.set(connector.id, connector);
    }
    return store;
  }

  list(): StoredConnector[] {
    return [...this.connectors.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): StoredConnector | undefined {
    return this.connectors.get(id);
  }

  /** Registers or replaces a connector; answers whether it was new and whether the secret changed. */
  async put(id: string, secret: string, privileges: string[]): Promise<{ created: boolean; secretChanged: boolean }> {
    const previous = this.connectors.get(id);
    const secretChanged = previous !== undefined && !(await verifySecret(secret, previous.secretHash));
    const now = new Date().toISOString();
    this.connectors.set(id, {
      id,
      secretHash: previous && !secretChanged ? previous.secretHash : await hashSecret(secret),
      privileges,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    await this.save();
    return { created: previous === undefined, secretChanged };
  }

  async remove(id: string): Promise<boolean> {
    const existed = this.connectors.delete(id);
    if (existed) await this.save();
    return existed;
  }

  /** The connector when id and secret match; the same work is done for unknown ids. */
  async authenticate(id: string, secret: string): Promise<StoredConnector | undefined> {
    const connector = this.connectors.get(id);
    const ok = await verifySecret(secret, connector?.secretHash ?? (await this.decoyHash));
    return ok && connector ? connector : undefined;
  }

  private save(): Promise<void> {
    const state: HubState = { version: 1, connectors: this.list() };
    // Serialised so an older snapshot never lands after a newer one.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
      await rename(temporary, this.file);
    });
    return this.writing;
  }
}
