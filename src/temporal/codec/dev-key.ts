import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettingsError, type Settings } from '../../config/settings';
import { parseKeyRing, type KeyRing } from './key-ring';

export interface ResolvedKeyRing {
  keyRing: KeyRing;
  /** Where the key ring came from, for a start-up log line (never the key itself). */
  source: string;
  /** Set when this start created the key file. */
  generatedFile?: string;
}

/** Path of the key file the dev command keeps in the data dir. */
export function codecKeyFile(dataDir: string): string {
  return join(dataDir, 'codec.key');
}

function readOrCreate(file: string): { text: string; created: boolean } {
  try {
    // 'wx' fails when the file exists, so two processes sharing a data dir never overwrite each other's key.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { text: readFileSync(file, 'utf8'), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { text: readFileSync(file, 'utf8'), created: false };
  }
}

/**
 * The codec key ring: TETHER_CODEC_KEY when set; otherwise, outside production, the key kept (mode 0600) in
 * `${TETHER_DATA_DIR}/codec.key`, created on first start. Production refuses to start without the setting:
 * processes that each invented a key could not read each other's payloads.
 */
export function resolveCodecKeyRing(settings: Settings): ResolvedKeyRing {
  if (settings.TETHER_CODEC_KEY !== undefined) {
    return { keyRing: parseKeyRing(settings.TETHER_CODEC_KEY), source: 'TETHER_CODEC_KEY' };
  }
  if (settings.NODE_ENV === 'production') {
    throw new SettingsError('Invalid setting TETHER_CODEC_KEY: required when NODE_ENV=production (base64 of 32 bytes: openssl rand -base64 32)');
  }
  mkdirSync(settings.TETHER_DATA_DIR, { recursive: true, mode: 0o700 });
  const file = codecKeyFile(settings.TETHER_DATA_DIR);
  const { text, created } = readOrCreate(file);
  return { keyRing: parseKeyRing(text, `codec key file ${file} (or set TETHER_CODEC_KEY)`), source: file, ...(created ? { generatedFile: file } : {}) };
}
