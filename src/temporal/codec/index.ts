export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, isEncrypted } from './aes-gcm-codec';
export { createDataConverter, failureConverterPath } from './data-converter';
export { codecKeyFile, resolveCodecKeyRing, type ResolvedKeyRing } from './dev-key';
export { CodecKeyNotFoundError, PayloadDecryptionError, UnsealedPayloadError } from './errors';
export { deriveKeyId, parseKeyRing, type CodecKey, type KeyRing } from './key-ring';
