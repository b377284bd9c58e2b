/** The plain-Temporal baselines: one workflow with one activity, no Tether around it. Bench only. */
import { allHandlersFinished, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { createPlainActivities } from './activities';

type PlainActivities = ReturnType<typeof createPlainActivities>;

const regular = proxyActivities<PlainActivities>({ startToCloseTimeout: '10s' });
const local = proxyLocalActivities<PlainActivities>({ startToCloseTimeout: '10s' });

/** Runs the bench's no-op once as a regular activity (the `plain` baseline: SDK defaults). */
export async function plainNoopWorkflow(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return regular.plainNoop(inputs);
}

/** Runs the bench's no-op once as a local activity (the `tuned` baseline: what a Temporal expert writes). */
export async function tunedNoopWorkflow(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return local.plainNoop(inputs);
}

export const runNoopUpdate = defineUpdate<Record<string, unknown>, [Record<string, unknown>]>('runNoop');

/**
 * The no-op answered through update-with-start: one ExecuteMultiOperation call starts the run and returns
 * the update's result (no second long poll, but no eager start either). The run ends once the update did.
 */
export async function updateNoopWorkflow(): Promise<void> {
  let done = false;
  setHandler(runNoopUpdate, async (inputs) => {
    try {
      return await local.plainNoop(inputs);
    } finally {
      done = true;
    }
  });
  await condition(() => done && allHandlersFinished());
}
