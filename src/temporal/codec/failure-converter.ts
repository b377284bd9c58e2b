import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by path (DataConverter.failureConverterPath) in clients, workers and the workflow sandbox, so it
 * must stay free of Node imports. Encoding common attributes puts error messages and stack traces into a
 * payload, which the codec then encrypts: failures can quote inputs, and inputs hold customer data.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
