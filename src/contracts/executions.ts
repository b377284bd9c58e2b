import { z } from 'zod';
import { ExecutionLinks } from './spi';

const keyword = z.string().regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" or "-" only');

/** Visibility statuses as Temporal names them; the API also takes them in any case. */
export const ExecutionStatus = z.enum(['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/** A pattern matching any of the words in any letter case (JSON-schema patterns have no case-insensitive flag). */
function anyCase(words: readonly string[]): RegExp {
  const letters = (word: string) => [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');
  return new RegExp(`^(?:${words.map(letters).join('|')})$`);
}

/** Query of `GET /admin/executions`. */
export const ExecutionListQuery = z.object({
  connector: keyword.optional().describe("connector path, e.g. 'myconnector'"),
  action: keyword.optional().describe("action name, e.g. 'submitOrder'"),
  connectionInstance: keyword.optional(),
  kind: z.enum(['action', 'health-check', 'behaviour']).optional(),
  tenant: keyword.optional().describe('behaviour executions of this tenant'),
  environment: keyword.optional().describe('behaviour executions of this environment'),
  status: z
    .string()
    .regex(anyCase(ExecutionStatus.options), `one of ${ExecutionStatus.options.join(', ')} (any case)`)
    .transform((value) => ExecutionStatus.options.find((status) => status.toLowerCase() === value.toLowerCase()) ?? value)
    .pipe(ExecutionStatus)
    .optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('ISO 8601; runs started at or after'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
export type ExecutionListQuery = z.infer<typeof ExecutionListQuery>;

export const ExecutionSummary = z.object({
  executionId: z.string(),
  runId: z.string(),
  kind: z.string().optional(),
  connector: z.string().optional(),
  action: z.string().optional(),
  connectionInstance: z.string().optional(),
  tenant: z.string().optional(),
  environment: z.string().optional(),
  status: z.string(),
  startTime: z.string(),
  closeTime: z.string().optional(),
  links: ExecutionLinks,
});
export type ExecutionSummary = z.infer<typeof ExecutionSummary>;

export const ExecutionFailure = z.object({ type: z.string().optional(), message: z.string() });

export const ExecutionDetail = ExecutionSummary.extend({
  links: ExecutionLinks.extend({ replaysUi: z.string().optional().describe("the Temporal UI's list of this execution's replays") }),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  failure: ExecutionFailure.optional(),
  attempts: z.number().int(),
  replayOf: z.string().optional().describe('the execution this one replays'),
  replays: z.array(ExecutionSummary).describe('replays of this execution, newest first (search attribute TetherReplayOf)'),
});
export type ExecutionDetail = z.infer<typeof ExecutionDetail>;
