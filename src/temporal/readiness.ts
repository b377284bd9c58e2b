import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { namespaceProblem, type NamespaceTarget } from './namespace-setup';

/** Answers undefined when ready, else the reason (shown in the 503 of /health/ready). */
export type ReadinessCheck = () => Promise<string | undefined>;

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/**
 * Everything that would make calls fail on Temporal's side: the server unreachable, the namespace or a
 * search attribute missing (every start would be refused), no worker polling the task queue.
 */
export function temporalReadiness(connection: Pick<NativeConnection, 'workflowService' | 'operatorService'>, target: NamespaceTarget, taskQueue: string): ReadinessCheck {
  return async () => {
    try {
      return await withDeadline(
        (async () => {
          const problem = await namespaceProblem(connection, target);
          if (problem) return problem;
          const response = await connection.workflowService.describeTaskQueue({
            namespace: target.namespace,
            taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return (response.pollers ?? []).length === 0 ? `no worker polling task queue ${taskQueue}` : undefined;
        })(),
        2_000,
        'Temporal',
      );
    } catch (err) {
      return `Temporal unreachable: ${(err as Error).message}`;
    }
  };
}
