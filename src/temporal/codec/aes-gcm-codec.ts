import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CodecKeyNotFoundError, PayloadDecryptionError, UnsealedPayloadError } from './errors';
import type { KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const ENCRYPTED_ENCODING_BYTES = utf8(ENCRYPTED_ENCODING);

/**
 * Random IVs drawn from a pool refilled 256 IVs at a time: one call into the CSPRNG per 256 payloads instead of
 * one per payload (every payload of an SPI call goes through here several times). Each IV is still 96 fresh
 * random bits, used once.
 */
class IvPool {
  private readonly pool = Buffer.alloc(IV_BYTES * 256);
  private offset = this.pool.length;

  /** Writes the next IV into `target` at `at`. */
  next(target: Buffer, at: number): Buffer {
    if (this.offset === this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    this.pool.copy(target, at, this.offset, this.offset + IV_BYTES);
    // Never hand the same bytes out twice, even if the next refill were to fail.
    this.pool.fill(0, this.offset, this.offset + IV_BYTES);
    this.offset += IV_BYTES;
    return target.subarray(at, at + IV_BYTES);
  }
}
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** True when a payload was sealed by this codec. */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/**
 * AES-256-GCM payload codec. The whole original payload (metadata included) is serialised and sealed, so
 * nothing but the key id is readable at rest; the key id is also the GCM associated data, so swapping it
 * in the metadata fails authentication instead of decrypting with the wrong key.
 * Data layout: 12-byte IV, ciphertext, 16-byte tag.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly ivs = new IvPool();
  private readonly activeId: { id: string; bytes: Buffer };

  /**
   * `unsealed`: what decode does with a payload that is not sealed. `'refuse'` for Tether's own clients and
   * workers: AES-GCM is authenticated, so a sealed payload proves its writer held the key, and a plain one — say an
   * `executeAction` input sent straight to Temporal's frontend — must not run with a connection instance's secrets.
   * `'pass'` for the codec endpoint, where the UI shows whatever a history holds.
   */
  constructor(
    private readonly keyRing: KeyRing,
    private readonly unsealed: 'refuse' | 'pass' = 'pass',
  ) {
    this.activeId = { id: keyRing.active.id, bytes: utf8(keyRing.active.id) };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.open(payload) : this.passUnsealed(payload)));
  }

  private passUnsealed(payload: Payload): Payload {
    if (this.unsealed === 'pass') return payload;
    const encoding = text(payload.metadata?.encoding) ?? 'none';
    throw new UnsealedPayloadError(
      `Refused an unencrypted payload (encoding ${encoding}): Tether seals every payload it writes with TETHER_CODEC_KEY, so this one was written without the key (Temporal UI, CLI or a client on Temporal's frontend)`,
    );
  }

  private seal(payload: Payload): Payload {
    const { key } = this.keyRing.active;
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    // One buffer for IV, ciphertext (GCM: as long as the plaintext) and tag.
    const sealed = Buffer.allocUnsafe(IV_BYTES + plain.length + TAG_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, this.ivs.next(sealed, 0));
    cipher.setAAD(this.activeId.bytes);
    const written = cipher.update(plain).copy(sealed, IV_BYTES) + cipher.final().copy(sealed, IV_BYTES + plain.length);
    if (written !== plain.length) throw new Error(`AES-GCM wrote ${written} bytes for ${plain.length}`);
    cipher.getAuthTag().copy(sealed, IV_BYTES + plain.length);
    return { metadata: { encoding: ENCRYPTED_ENCODING_BYTES, [KEY_ID_METADATA]: this.activeId.bytes }, data: sealed };
  }

  private open(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (id === undefined) throw new PayloadDecryptionError(`Encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const codecKey = this.keyRing.keys.get(id);
    if (!codecKey) {
      const known = [...this.keyRing.keys.keys()].join(', ');
      throw new CodecKeyNotFoundError(`Payload was encrypted with key "${id}", which TETHER_CODEC_KEY does not hold (it holds: ${known})`);
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`Payload encrypted with key "${id}" is too short to be AES-GCM data (${data.length} bytes)`);
    }
    const decipher = createDecipheriv('aes-256-gcm', codecKey.key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`Payload encrypted with key "${id}" failed authentication: the key is wrong or the data was tampered with`);
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
