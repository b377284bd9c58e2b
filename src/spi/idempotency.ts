import { createHash } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { stringify } from 'safe-stable-stringify';
import { ApiError } from '../errors';
import { withinTemporalDeadline } from '../temporal/unavailable';
import { isPlainKey } from './execution-ids';

/**
 * One Idempotency-Key names one request (draft-ietf-httpapi-idempotency-key-header §2.6: a key reused with
 * another payload SHOULD get 422). A keyed run records a digest of what the request asks for in its memo
 * (encrypted at rest like every payload, next to the inputs it digests); a later start that lands on the run
 * compares digests. Runs recorded before digests existed have none and are joined as before.
 */
export interface Idempotency {
  key: string;
  /** sha256 of the canonical JSON (keys sorted) of what identifies the request. */
  digest: string;
}

/** Memo field holding a keyed run's request digest. */
export const requestDigestMemoKey = 'tetherRequestDigest';

/**
 * The key and the digest of `request` when the call carries an Idempotency-Key; nothing (no hashing) when it
 * does not. `request` is what the run acts on, after validation: ignored unknown properties, `null`s dropped
 * and key order do not make two requests differ.
 */
export function idempotencyFor(key: string | undefined, request: Record<string, unknown>): Idempotency | undefined {
  if (key === undefined || key === '') return undefined;
  return { key, digest: createHash('sha256').update(stringify(request)).digest('hex') };
}

/** 422: the key already names another request; neither the inputs nor a non-plain key (it may be a secret) are echoed. */
export class IdempotencyKeyReusedError extends ApiError {
  constructor(key: string, executionId: string) {
    const named = isPlainKey(key) ? `Idempotency-Key ${key}` : 'This Idempotency-Key';
    super(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      `${named} was already used for execution ${executionId} with a different request; resend that request unchanged to get its result, or use a new key`,
      undefined,
      executionId,
    );
  }
}

/** Refuses to join a run whose recorded request digest differs from this request's (one describe: joins only). */
export async function assertSameRequest(handle: WorkflowHandle, idempotency: Idempotency): Promise<void> {
  const { memo } = await withinTemporalDeadline(handle.describe(), `describing ${handle.workflowId}`);
  const recorded = memo?.[requestDigestMemoKey];
  if (typeof recorded === 'string' && recorded !== idempotency.digest) throw new IdempotencyKeyReusedError(idempotency.key, handle.workflowId);
}
