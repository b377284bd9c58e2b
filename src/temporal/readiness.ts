import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Answers undefined when ready, else the reason (shown in the 503 of /health/ready). */
export type ReadinessCheck = () => Promise<string | undefined>;

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/** Temporal answers, and some worker polls the task queue. */
export function temporalReadiness(client: Client, taskQueue: string): ReadinessCheck {
  return async () => {
    try {
      const response = await withDeadline(
        client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        }),
        2_000,
        'Temporal',
      );
      if ((response.pollers ?? []).length === 0) return `no worker polling task queue ${taskQueue}`;
      return undefined;
    } catch (err) {
      return `Temporal unreachable: ${(err as Error).message}`;
    }
  };
}
