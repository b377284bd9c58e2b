import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { isEncrypted } from '../../src/temporal/codec';

const isPayload = (value: unknown): value is Payload => !!value && typeof value === 'object' && 'data' in value && 'metadata' in value;

/**
 * Every string of a run's history with its payloads decoded (through the client's codecs, as the UI's
 * codec server would) and read as UTF-8, so a test can search what anyone with history access could see.
 */
export async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const codecs = [...client.options.loadedDataConverter.payloadCodecs].reverse();
  const payloads: Payload[] = [];
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (isPayload(value)) payloads.push(value);
    else if (value instanceof Uint8Array) parts.push(Buffer.from(value).toString('utf8'));
    else if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(history);
  // Plain payloads (search attributes, markers' own data) are read as they are, as the UI's codec server passes them.
  let decoded = payloads.filter(isEncrypted);
  for (const codec of codecs) decoded = await codec.decode(decoded);
  decoded.push(...payloads.filter((payload) => !isEncrypted(payload)));
  for (const payload of decoded) parts.push(Buffer.from(payload.data ?? []).toString('utf8'));
  return parts.join('\n');
}
