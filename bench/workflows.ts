/** The plain-Temporal baseline: one workflow with one regular activity, no Tether around it. Bench only. */
import { proxyActivities } from '@temporalio/workflow';
import type { createPlainActivities } from './activities';

const { plainNoop } = proxyActivities<ReturnType<typeof createPlainActivities>>({ startToCloseTimeout: '10s' });

/** Runs the bench's no-op once as a regular activity. */
export async function plainNoopWorkflow(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return plainNoop(inputs);
}
