import { Worker, type WorkerOptions, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export interface TetherWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Prebuilt workflow bundle (tests and the bench build it once); otherwise the worker bundles at start. */
  workflowBundlePath?: string;
  dataConverter?: WorkerOptions['dataConverter'];
}

/** Creates the worker that runs every Tether workflow and activity on one task queue. */
export function createTetherWorker(options: TetherWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
