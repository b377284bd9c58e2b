import { createHash } from 'node:crypto';
import { SettingsError } from '../../config/settings';

/** One AES-256 key and the id written into every payload it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/** The keys Tether may decrypt with; `active` (the first one listed) encrypts everything new. */
export interface KeyRing {
  active: CodecKey;
  keys: ReadonlyMap<string, CodecKey>;
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

function invalid(reason: string, source: string): SettingsError {
  return new SettingsError(`Invalid ${source}: ${reason}`);
}

/** A stable id for a key given without one, so payloads still name the key that sealed them. */
export function deriveKeyId(key: Buffer): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

function parseEntry(entry: string, position: number, source: string): CodecKey {
  const colon = entry.indexOf(':');
  // Base64 never contains ':' so a colon always separates an id from its key.
  const id = colon >= 0 ? entry.slice(0, colon).trim() : undefined;
  const encoded = (colon >= 0 ? entry.slice(colon + 1) : entry).trim();
  const label = id === undefined ? `key #${position}` : `key "${id}"`;
  if (id !== undefined && !KEY_ID.test(id)) {
    throw invalid(`${label} has an invalid id (use 1-64 letters, digits, '.', '_' or '-')`, source);
  }
  if (!BASE64.test(encoded)) {
    throw invalid(`${label} is not base64 of ${KEY_BYTES} bytes (it has characters outside base64); create one with: openssl rand -base64 32`, source);
  }
  const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
  if (key.length !== KEY_BYTES) {
    throw invalid(`${label} is not base64 of ${KEY_BYTES} bytes (it decodes to ${key.length} bytes); create one with: openssl rand -base64 32`, source);
  }
  return { id: id ?? deriveKeyId(key), key };
}

/**
 * Parses a key ring: `id1:base64,id2:base64` (the first encrypts, all decrypt, for rotation) or one plain
 * base64 key whose id is derived from it. Errors name the source (the setting) and the entry, never the key material.
 */
export function parseKeyRing(text: string, source = 'setting TETHER_CODEC_KEY'): KeyRing {
  const entries = text.split(/[,\n]/).map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw invalid('holds no key', source);
  const keys = new Map<string, CodecKey>();
  entries.forEach((entry, index) => {
    const parsed = parseEntry(entry, index + 1, source);
    if (keys.has(parsed.id)) throw invalid(`key id "${parsed.id}" appears twice`, source);
    keys.set(parsed.id, parsed);
  });
  return { active: keys.values().next().value!, keys };
}
