/** Thrown when a payload names an encryption key id the key ring (TETHER_CODEC_KEY) does not hold. */
export class CodecKeyNotFoundError extends Error {
  override readonly name = 'CodecKeyNotFoundError';
}

/** Thrown when an encrypted payload cannot be decrypted: wrong key, tampered or truncated data, missing metadata. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/**
 * Thrown when a Tether client or worker is handed a payload that is not sealed: every payload Tether writes is,
 * so this one was written by someone without the key (the Temporal UI or CLI, a script on Temporal's frontend).
 */
export class UnsealedPayloadError extends Error {
  override readonly name = 'UnsealedPayloadError';
}
