import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type Logger, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createBehaviourActivities } from '../activities/behaviours';
import type { BehavioursManager } from '../behaviours/manager';
import { failureConverterPath } from '../temporal/codec';

export interface TetherWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Prebuilt workflow bundle (tests and the bench build it once); otherwise the one `npm run build` wrote, else the worker bundles at start. */
  workflowBundlePath?: string;
  dataConverter?: WorkerOptions['dataConverter'];
  /** The sticky workflow cache's size (TETHER_WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows: number;
}

const workflowsPath = require.resolve('../workflows');

/**
 * Where `npm run build` writes the workflow bundle (next to the compiled workflows it bundles). Loading it
 * instead of running webpack at start is what brings restart-to-ready under 2 s; it is absent when running
 * from the TypeScript sources (tests), which bundle once per suite.
 */
export const prebuiltWorkflowBundlePath = join(__dirname, '..', 'workflows', 'workflow-bundle.js');

/** Where a worker gets its workflow code: the given bundle, else the one `npm run build` wrote, else bundled at start (webpack). */
function workflowCode(bundlePath: string | undefined) {
  const path = bundlePath ?? (existsSync(prebuiltWorkflowBundlePath) ? prebuiltWorkflowBundlePath : undefined);
  return path ? { workflowBundle: { codePath: path } } : { workflowsPath };
}

/** Creates the worker that runs every Tether workflow and activity on one task queue. */
export function createTetherWorker(options: TetherWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    maxCachedWorkflows: options.maxCachedWorkflows,
    ...workflowCode(options.workflowBundlePath),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}

/** Bundles every Tether workflow once (tests and the bench reuse it across workers); includes the encrypting failure converter. */
export function bundleTetherWorkflows(logger?: Logger) {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, ...(logger ? { logger } : {}) });
}

/** The worker of this process's Behaviours Manager, on the manager's own task queue: behaviour executions and their (local) activity. */
export function createBehaviourWorker(options: Pick<TetherWorkerOptions, 'connection' | 'namespace' | 'dataConverter' | 'workflowBundlePath'> & { manager: BehavioursManager }): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.manager.taskQueue,
    activities: createBehaviourActivities({ manager: options.manager }),
    ...workflowCode(options.workflowBundlePath),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
}
