import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure, type SerializationContext } from '@temporalio/common';

/** The clear `message` of every failure: a pointer to where an authorised reader finds the real one. */
export const ENCRYPTED_FAILURE_MESSAGE = 'Message encrypted: read encodedAttributes.message';

/**
 * Encodes a failure's message into `encodedAttributes` (which the codec then encrypts: failures can quote
 * inputs, and inputs hold customer data) and drops stack traces at every level of the cause chain: they name
 * the server's absolute paths, and the worker's log keeps them. Authorised readers (the Temporal UI through
 * the codec endpoint, the SDK, the executions API) read the message in clear; the failure's own `message`
 * field, which the UI's event list shows as it is, says where to look instead of Temporal's "Encoded failure".
 */
class TetherFailureConverter extends DefaultFailureConverter {
  constructor() {
    super({ encodeCommonAttributes: true });
  }

  override errorToFailure(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    return { ...super.errorToFailure(err, payloadConverter, context), message: ENCRYPTED_FAILURE_MESSAGE };
  }

  override errorToFailureInner(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    return { ...super.errorToFailureInner(err, payloadConverter, context), stackTrace: '' };
  }
}

/** Loaded by path (DataConverter.failureConverterPath) in clients, workers and the workflow sandbox: no Node imports. */
export const failureConverter = new TetherFailureConverter();
