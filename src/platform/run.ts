import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSettings, SettingsError, type Settings } from '../config/settings';
import { onShutdown } from '../cli/process';
import { createLogger } from '../logging/logger';
import { httpTimeoutsFrom } from '../api/http-server';
import { startPlatformHub, type PlatformHub } from './hub';

/** Where the hub keeps its state: `TETHER_PLATFORM_DATA`, else `platform/` in Tether's data dir. */
export function platformDataDir(settings: Settings): string {
  return resolve(settings.TETHER_PLATFORM_DATA ?? join(settings.TETHER_DATA_DIR, 'platform'));
}

/**
 * The hub's admin token: `TETHER_PLATFORM_ADMIN_TOKEN`; outside production one is generated once and kept
 * (mode 0600) in the data dir. Answers whether it was generated now, so the caller prints it once.
 */
export function resolvePlatformAdminToken(settings: Settings, dataDir: string): { token: string; generatedFile?: string } {
  if (settings.TETHER_PLATFORM_ADMIN_TOKEN) return { token: settings.TETHER_PLATFORM_ADMIN_TOKEN };
  if (settings.NODE_ENV === 'production') throw new SettingsError('Invalid setting TETHER_PLATFORM_ADMIN_TOKEN: required when NODE_ENV=production');
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim() };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, token, { mode: 0o600 });
  return { token, generatedFile: file };
}

/** `tether platform` / `npm run platform`: the reference platform hub in the foreground until SIGINT/SIGTERM. */
export async function runPlatform(env: NodeJS.ProcessEnv = process.env): Promise<PlatformHub> {
  const settings = parseSettings(env);
  const log = createLogger(settings.LOG_LEVEL, 'tether-platform');
  const dataDir = platformDataDir(settings);
  const admin = resolvePlatformAdminToken(settings, dataDir);
  const hub = await startPlatformHub({ port: settings.PLATFORM_PORT, host: settings.HOST, dataDir, adminToken: admin.token, log, httpTimeouts: httpTimeoutsFrom(settings) });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Platform hub ready: ${hub.url} (connectors dial ${hub.connectUrl}; state in ${dataDir})`);
  if (admin.generatedFile) say(`Generated admin token (kept in ${admin.generatedFile}; shown this once): ${admin.token}`);
  onShutdown(log, () => hub.close());
  return hub;
}
