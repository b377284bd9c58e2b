import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SettingsError, type Settings } from './settings';

export const Credentials = z.object({
  adminToken: z.string(),
  spiUser: z.string().optional(),
  spiPassword: z.string().optional(),
  spiToken: z.string().optional(),
});
export type Credentials = z.infer<typeof Credentials>;

export interface ResolvedCredentials {
  credentials: Credentials;
  /** Set when the dev start generated them now: the caller prints them once. */
  generatedFile?: string;
}

/**
 * Admin and SPI credentials from the environment. Outside production, missing ones are generated once
 * and kept (mode 0600) in the data dir so a restart keeps them; production refuses to start without them.
 */
export function resolveCredentials(settings: Settings): ResolvedCredentials {
  const fromEnv = {
    adminToken: settings.TETHER_ADMIN_TOKEN,
    spiUser: settings.TETHER_SPI_USER,
    spiPassword: settings.TETHER_SPI_PASSWORD,
    spiToken: settings.TETHER_SPI_TOKEN,
  };
  const hasSpi = fromEnv.spiToken !== undefined || fromEnv.spiUser !== undefined;
  if (fromEnv.adminToken !== undefined && hasSpi) return { credentials: { ...fromEnv, adminToken: fromEnv.adminToken } };
  if (settings.NODE_ENV === 'production') {
    const missing = [fromEnv.adminToken === undefined && 'TETHER_ADMIN_TOKEN', !hasSpi && 'TETHER_SPI_USER/TETHER_SPI_PASSWORD or TETHER_SPI_TOKEN'].filter((key) => key !== false);
    throw new SettingsError(missing.map((key) => `Invalid setting ${key}: required when NODE_ENV=production`));
  }
  const file = join(settings.TETHER_DATA_DIR, 'credentials.json');
  let generatedFile: string | undefined;
  let stored: Credentials;
  if (existsSync(file)) {
    stored = Credentials.parse(JSON.parse(readFileSync(file, 'utf8')));
  } else {
    stored = {
      adminToken: randomBytes(24).toString('base64url'),
      spiUser: 'catalog',
      spiPassword: randomBytes(18).toString('base64url'),
      spiToken: randomBytes(24).toString('base64url'),
    };
    mkdirSync(settings.TETHER_DATA_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    generatedFile = file;
  }
  const spi = hasSpi
    ? { spiUser: fromEnv.spiUser, spiPassword: fromEnv.spiPassword, spiToken: fromEnv.spiToken }
    : { spiUser: stored.spiUser, spiPassword: stored.spiPassword, spiToken: stored.spiToken };
  return { credentials: { adminToken: fromEnv.adminToken ?? stored.adminToken, ...spi }, generatedFile };
}
