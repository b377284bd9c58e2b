import { createHash, randomUUID } from 'node:crypto';

/** Characters an Idempotency-Key may keep verbatim in a workflow id; anything else is hashed. */
const plainKey = /^[A-Za-z0-9._~:-]{1,128}$/;

/** Is this Idempotency-Key kept verbatim (in workflow ids, in messages)? Any other key may be a secret and is only hashed. */
export const isPlainKey = (idempotencyKey: string) => plainKey.test(idempotencyKey);

/**
 * The request part of a workflow id: the Idempotency-Key when given (so a retried call lands on the same
 * workflow id, hence the same execution), else a fresh UUID.
 */
export function requestIdFor(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined || idempotencyKey === '') return randomUUID();
  if (isPlainKey(idempotencyKey)) return `key-${idempotencyKey}`;
  return `key-sha256-${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

/** `action/{connectorPath}/{actionPath}/{requestId}` (DESIGN §7). */
export const actionWorkflowId = (connectorPath: string, actionPath: string, requestId: string) => `action/${connectorPath}/${actionPath}/${requestId}`;

/** `health/{connectorPath}/{instanceId}/{requestId}` (DESIGN §7). */
export const healthWorkflowId = (connectorPath: string, instanceId: string, requestId: string) => `health/${connectorPath}/${instanceId}/${requestId}`;

/** Only SPI and behaviour executions are readable with SPI credentials (and through the hub); daemon or platform runs are not. */
export const isSpiExecutionId = (executionId: string) => /^((action|health)\/[^/]+\/[^/]+|behaviour\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.test(executionId);
