import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings';

/**
 * The admin token this Tether answers to, for reading group definitions over HTTP: from the environment, else
 * the one the dev command generated in the data dir. A remote metadata Tether must accept the same token.
 */
export function localAdminToken(settings: Settings): string | undefined {
  if (settings.TETHER_ADMIN_TOKEN) return settings.TETHER_ADMIN_TOKEN;
  const file = join(settings.TETHER_DATA_DIR, 'credentials.json');
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { adminToken?: unknown };
  return typeof stored.adminToken === 'string' ? stored.adminToken : undefined;
}
