import { z } from 'zod';

/** Where to follow an execution: `self` (this API's resource) and `ui` (the run in the Temporal Web UI, when known). */
export const ExecutionLinks = z.object({ self: z.string(), ui: z.string().optional() });
export type ExecutionLinks = z.infer<typeof ExecutionLinks>;
