import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec';
import type { KeyRing } from './key-ring';

/** Absolute path of the failure converter module; a prebuilt workflow bundle must be built with it too. */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The data converter every Tether client and worker uses: payloads, memos and failure messages encrypted
 * at rest with the key ring's active key, and only sealed payloads accepted (a plain one was not written by Tether).
 */
export function createDataConverter(keyRing: KeyRing): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keyRing, 'refuse')], failureConverterPath };
}
