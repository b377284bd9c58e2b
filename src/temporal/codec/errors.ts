/** Thrown when a payload names an encryption key id the key ring (TETHER_CODEC_KEY) does not hold. */
export class CodecKeyNotFoundError extends Error {
  override readonly name = 'CodecKeyNotFoundError';
}

/** Thrown when an encrypted payload cannot be decrypted: wrong key, tampered or truncated data, missing metadata. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}
