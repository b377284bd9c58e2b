import { z } from 'zod';
import { ExecutionLinks } from './links';

/** What went wrong, as every Tether endpoint reports it (DESIGN §4). */
export const ErrorInfo = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  executionId: z.string().optional(),
  links: ExecutionLinks.optional().describe('on a failure of a started execution: its resource and its run in the Temporal UI'),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** The JSON error body: `{error: {code, message, details?, executionId?, links?}}`. */
export const ErrorBody = z.object({ error: ErrorInfo });
export type ErrorBody = z.infer<typeof ErrorBody>;
