import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure, type SerializationContext } from '@temporalio/common';

/**
 * Encodes a failure's message into `encodedAttributes` (which the codec then encrypts: failures can quote
 * inputs, and inputs hold customer data) and drops stack traces at every level of the cause chain: they name
 * the server's absolute paths, and the worker's log keeps them. Authorised readers (the Temporal UI through
 * the codec endpoint, the executions API) read the message in clear; Temporal's own fields say "Encoded failure".
 */
class TetherFailureConverter extends DefaultFailureConverter {
  constructor() {
    super({ encodeCommonAttributes: true });
  }

  override errorToFailureInner(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    return { ...super.errorToFailureInner(err, payloadConverter, context), stackTrace: '' };
  }
}

/** Loaded by path (DataConverter.failureConverterPath) in clients, workers and the workflow sandbox: no Node imports. */
export const failureConverter = new TetherFailureConverter();
