import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import type { Credentials } from '../config/credentials';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { createDataConverter, type KeyRing } from '../temporal/codec';
import { ensureNamespaceReady } from '../temporal/namespace-setup';
import { temporalReadiness } from '../temporal/readiness';
import { platformConnectionTarget, platformLinkReadiness } from '../platform/connector-mode';
import { createHttpServer, httpTimeoutsFrom } from '../api/http-server';
import { installSdkRuntime } from './sdk-runtime';
import { connectToTemporal } from './temporal-connection';
import { startBehavioursManager } from '../behaviours/from-settings';
import type { BehavioursManager } from '../behaviours/manager';
import { createBehaviourWorker, createTetherWorker } from './worker';

export interface TetherOptions {
  settings: Settings;
  credentials: Credentials;
  registry: ConnectorRegistry;
  /** Keys of the payload codec: every payload, memo and failure is encrypted at rest. */
  keyRing: KeyRing;
  log: Logger;
  temporalAddress: string;
  temporalUiUrl?: string;
  /** Serve the HTTP API (the `api` and `dev` processes). */
  api: boolean;
  /** Run a worker in this process (the `worker` and `dev` processes; the API embeds one for latency). */
  worker: boolean;
  workflowBundlePath?: string;
}

export interface RunningTether {
  /** Base URL of the HTTP API, when serving it. */
  url?: string;
  client: Client;
  connection: NativeConnection;
  worker?: Worker;
  /** The Behaviours Manager, in a worker process in connector mode. */
  behaviours?: BehavioursManager;
  /** Settles when the worker stops by itself (a fatal error); stop() ends it normally. */
  workerDone: Promise<void>;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Connects to Temporal and starts the parts this process runs: worker, API, or both. */
export async function startTether(options: TetherOptions): Promise<RunningTether> {
  const { settings, log } = options;
  const taskQueue = settings.TETHER_TASK_QUEUE;
  installSdkRuntime(log, settings);
  const dataConverter = createDataConverter(options.keyRing);
  const connection = await connectToTemporal(settings, options.temporalAddress);
  const namespaceTarget = { namespace: settings.TEMPORAL_NAMESPACE, address: options.temporalAddress };
  await ensureNamespaceReady(connection, namespaceTarget, settings.TETHER_REGISTER_SEARCH_ATTRIBUTES).catch(async (err) => {
    await connection.close();
    throw err;
  });
  const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter });

  let worker: Worker | undefined;
  let behaviourWorker: Worker | undefined;
  let workerDone: Promise<void> = new Promise(() => undefined);
  // Behaviours run where the platform link can be held: a worker process in connector mode.
  const behaviours = options.worker && platformConnectionTarget(settings) ? await startBehavioursManager(settings, options.registry, log) : undefined;
  if (options.worker) {
    worker = await createTetherWorker({
      connection,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue,
      deps: { registry: options.registry, client, settings, credentials: options.credentials, log, behaviours },
      workflowBundlePath: options.workflowBundlePath,
      dataConverter,
      maxCachedWorkflows: settings.TETHER_WORKER_MAX_CACHED_WORKFLOWS,
    });
    if (behaviours) behaviourWorker = await createBehaviourWorker({ connection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter, workflowBundlePath: options.workflowBundlePath, manager: behaviours });
    const running = [worker.run(), ...(behaviourWorker ? [behaviourWorker.run()] : [])];
    workerDone = Promise.all(running).then(() => undefined);
  }

  let server: Server | undefined;
  let url: string | undefined;
  if (options.api) {
    const platformTarget = platformConnectionTarget(settings);
    const app = createApp({
      settings,
      credentials: options.credentials,
      log,
      client,
      registry: options.registry,
      behaviours,
      keyRing: options.keyRing,
      taskQueue,
      temporalUiUrl: options.temporalUiUrl,
      readiness: [
        temporalReadiness(connection, namespaceTarget, taskQueue),
        ...(platformTarget ? [platformLinkReadiness(client, platformTarget.workflowId)] : []),
      ],
    });
    server = createHttpServer(app.callback(), httpTimeoutsFrom(settings));
    await listen(server, settings.PORT, settings.HOST);
    const { port } = server.address() as AddressInfo;
    url = `http://${settings.HOST === '0.0.0.0' ? '127.0.0.1' : settings.HOST}:${port}`;
  }

  return {
    url,
    client,
    connection,
    worker,
    behaviours,
    workerDone,
    async stop() {
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
      }
      if (worker) {
        // The SDK may already be shutting the worker down on SIGINT/SIGTERM itself.
        for (const running of [worker, behaviourWorker]) if (running?.getState() === 'RUNNING') running.shutdown();
        await workerDone.catch((err) => log.error({ err }, 'worker stopped with an error'));
      }
      await behaviours?.close();
      await connection.close();
      // Connectors holding resources (connection pools) release them once nothing can call them any more.
      await Promise.all(options.registry.list().map(({ definition }) => definition.dispose?.()));
    },
  };
}
