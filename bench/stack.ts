import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation, type WorkflowStartOptions } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import Koa from 'koa';
import type { Credentials } from '../src/config/credentials';
import { parseSettings } from '../src/config/settings';
import { defaultActionPolicy, type ActionRequest } from '../src/contracts/action';
import { TetherAction, TetherConnectionInstance, TetherConnector, TetherKind } from '../src/contracts/search-attributes';
import { createLogger } from '../src/logging/logger';
import { startTether, type RunningTether } from '../src/runtime/tether';
import { handleSpiRequest } from '../src/spi';
import { spiDepsFor } from '../src/spi/request';
import { AesGcmPayloadCodec } from '../src/temporal/codec';
import { bundleTetherWorkflows } from '../src/runtime/worker';
import { parseKeyRing } from '../src/temporal/codec/key-ring';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { resolveTemporalBinary, temporalVersion } from '../src/temporal/provision';
import { createPlainActivities } from './activities';
import { runNoopUpdate } from './workflows';
import { BENCH_INSTANCE, benchRegistry, noopHandler } from './connector';
import { postJson } from './http-client';
import type { Operation } from './load';
import { note } from './progress';

/**
 * A way of running the no-op. An A/B row names what it changes (`ablation`) against which variant
 * (`baseline`, `tether` unless said): a fast-path choice switched off, or one of Tether's costs added to `tuned`.
 */
export interface Variant {
  name: string;
  description: string;
  ablation?: string;
  baseline?: string;
  operation: Operation;
}

export interface BenchStack {
  variants: Variant[];
  tetherUrl: string;
  adminToken: string;
  /** The in-process worker's workflow cache size, for the daemon run's report. */
  maxCachedWorkflows: number;
  temporalCli: string;
  /** The bench's Temporal dev server and Tether's workflow bundle, for the behaviours part (bench/behaviours.ts). */
  temporalAddress: string;
  workflowBundlePath: string;
  /** The dev server's pid, for its CPU per call. */
  serverPid: number | undefined;
  /** Whether a start through Tether's client came back with its first workflow task (eager start in effect). */
  eagerStart: { inProcessWorker: boolean; tuned: boolean; separateApi: boolean | null };
  stop(): Promise<void>;
}

const credentials: Credentials = {
  adminToken: `bench-admin-${randomUUID()}`,
  spiUser: 'catalog',
  spiPassword: `bench-${randomUUID()}`,
};
const basicAuth = `Basic ${Buffer.from(`${credentials.spiUser}:${credentials.spiPassword}`).toString('base64')}`;
/** A throwaway codec key: the bench encrypts payloads like production does, so that cost is measured too. */
const benchCodecKey = `bench:${Buffer.alloc(32, 7).toString('base64')}`;
const TETHER_QUEUE = 'bench-tether';
const PLAIN_QUEUE = 'bench-plain';
const TUNED_QUEUE = 'bench-tuned';
const input = { value: 'ping' };

function expectEcho(answer: { status: number; body: unknown }, what: string): void {
  const echo = (answer.body as { outputs?: { echo?: unknown } } | undefined)?.outputs?.echo;
  if (answer.status !== 200 || echo !== input.value) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
}

/** An SPI call of a bench action through a Tether API, as the catalog makes it. */
function spiCall(baseUrl: string, actionPath: string): Operation {
  const url = new URL(`/bench/${actionPath}`, baseUrl);
  const body = { connectionInstanceId: BENCH_INSTANCE, inputs: input };
  return async () => expectEcho(await postJson(url, body, { authorization: basicAuth }), `POST ${url.pathname}`);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** The direct variant: the same handler behind a bare Koa route, no Temporal, no durability. */
function directApp(): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/bench/noop') {
      ctx.status = 404;
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { inputs: Record<string, unknown> };
    ctx.body = { outputs: await noopHandler(call.inputs) };
  });
  return app;
}

/** Starts one workflow asking for eager start and reports whether the server granted it. */
async function eagerlyStarted(client: Client, workflowType: string, taskQueue: string, args: unknown[]): Promise<boolean> {
  const handle = await client.workflow.start(workflowType, { taskQueue, workflowId: `bench/eager-check/${randomUUID()}`, args, requestEagerStart: true });
  // Bounded, so a broken worker fails the bench instead of hanging it.
  await Promise.race([handle.result(), new Promise((_, reject) => setTimeout(() => reject(new Error('the eager-start check did not complete within 30 s')), 30_000).unref())]);
  return Boolean((handle as { eagerlyStarted?: boolean }).eagerlyStarted);
}

/** The same check for a Tether client: one bench action. */
function tetherEagerlyStarted(client: Client): Promise<boolean> {
  const request: ActionRequest = {
    connectorPath: 'bench',
    actionPath: 'noop',
    actionName: 'noop',
    connectionInstanceId: BENCH_INSTANCE,
    inputs: input,
    policy: { ...defaultActionPolicy, timeoutSeconds: 10 },
  };
  return eagerlyStarted(client, 'executeAction', TETHER_QUEUE, [request]);
}

/**
 * Starts everything the bench measures, in this process: a headless in-memory dev server, Tether (API and
 * worker on one connection, via startTether), the plain baseline's worker and client, the direct Koa app,
 * and — for the A/B of the in-process worker and eager start — an API-only Tether on its own connection.
 */
export async function startBenchStack(options: { ablations: boolean }): Promise<BenchStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        note(`(cleanup: ${(err as Error).message})`);
      }
    }
  };
  try {
    const binary = await resolveTemporalBinary({ explicitPath: process.env.TEMPORAL_CLI_PATH, log: note });
    note('Starting a Temporal dev server and bundling workflows…');
    const bundleLogger = new DefaultLogger('WARN');
    const [server, tetherBundle, plainBundle, cliVersion] = await Promise.all([
      startDevServer({ binary, port: 0, uiPort: null, namespace: 'default' }),
      bundleTetherWorkflows(bundleLogger),
      bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: bundleLogger }),
      temporalVersion(binary).catch(() => 'unknown'),
    ]);
    cleanups.push(() => (server as DevServer).stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const bundlePath = join(dataDir, 'workflow-bundle.js');
    writeFileSync(bundlePath, tetherBundle.code);

    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TETHER_TASK_QUEUE: TETHER_QUEUE,
      TETHER_DATA_DIR: dataDir,
      TETHER_ADMIN_TOKEN: credentials.adminToken,
      TETHER_SPI_USER: credentials.spiUser,
      TETHER_SPI_PASSWORD: credentials.spiPassword,
      // The daemon run PUTs one group definition of up to 10,000 connectors (~110 bytes each).
      TETHER_BODY_LIMIT_BYTES: String(4 * 1024 * 1024),
      // The workflow cache size is an A/B knob of the daemon run (issue #16): taken from the bench's environment.
      ...(process.env.TETHER_WORKER_MAX_CACHED_WORKFLOWS ? { TETHER_WORKER_MAX_CACHED_WORKFLOWS: process.env.TETHER_WORKER_MAX_CACHED_WORKFLOWS } : {}),
    };
    const settings = parseSettings(env);
    const log = createLogger(settings.LOG_LEVEL, 'tether-bench');
    const common = { credentials, registry: benchRegistry(), keyRing: parseKeyRing(benchCodecKey), log, temporalAddress: server.address };
    note('Starting Tether (API + in-process worker), the plain worker and the direct app…');
    const tether: RunningTether = await startTether({ ...common, settings, api: true, worker: true, workflowBundlePath: bundlePath });
    cleanups.push(() => tether.stop());

    // The plain and tuned workers: SDK defaults, the bench's workflows and activities, stopped at the end.
    const runReferenceWorker = async (connection: NativeConnection, taskQueue: string) => {
      const worker = await Worker.create({ connection, taskQueue, workflowBundle: { code: plainBundle.code }, activities: createPlainActivities() });
      const run = worker.run();
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run;
      });
    };

    // Plain Temporal as its docs show it: a worker with SDK defaults and a client on its own gRPC connection.
    const plainWorkerConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => plainWorkerConnection.close());
    await runReferenceWorker(plainWorkerConnection, PLAIN_QUEUE);
    // Tuned Temporal, as an expert writes it: worker and client on one NativeConnection (so the server may
    // hand the first workflow task straight back: eager start), a local activity, the result awaited.
    const tunedConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push(() => tunedConnection.close());
    await runReferenceWorker(tunedConnection, TUNED_QUEUE);
    const tunedClient = new Client({ connection: tunedConnection });

    const plainConnection = await Connection.connect({ address: server.address });
    cleanups.push(() => plainConnection.close());
    const plainClient = new Client({ connection: plainConnection });

    const direct = createServer(directApp().callback());
    const directUrl = await listen(direct);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          direct.close(() => resolve());
          direct.closeAllConnections();
        }),
    );

    const variants: Variant[] = [
      { name: 'tether', description: 'SPI call over HTTP: durable execution, local activity, eager start, in-process worker', operation: spiCall(tether.url!, 'noop') },
      {
        name: 'plain',
        description: 'client.workflow.execute of a one-regular-activity workflow (SDK defaults, own connection)',
        operation: async () => {
          const result = await plainClient.workflow.execute('plainNoopWorkflow', { taskQueue: PLAIN_QUEUE, workflowId: `plain/${randomUUID()}`, args: [input] });
          if ((result as { echo?: unknown }).echo !== input.value) throw new Error(`plain workflow returned ${JSON.stringify(result)}`);
        },
      },
      {
        name: 'tuned',
        description: 'client.workflow.execute of a one-local-activity workflow, requestEagerStart, worker and client on one NativeConnection',
        operation: async () => {
          const result = await tunedClient.workflow.execute('tunedNoopWorkflow', { taskQueue: TUNED_QUEUE, workflowId: `tuned/${randomUUID()}`, args: [input], requestEagerStart: true });
          if ((result as { echo?: unknown }).echo !== input.value) throw new Error(`tuned workflow returned ${JSON.stringify(result)}`);
        },
      },
      { name: 'direct', description: 'the same handler behind a bare Koa route, no Temporal', operation: spiCall(directUrl, 'noop') },
    ];

    let separateApiEager: boolean | null = null;
    if (options.ablations) {
      variants.push({
        name: 'tether/regular-activity',
        ablation: '− local activity (regular activity)',
        description: 'as tether, the action declared execution.mode: regular',
        operation: spiCall(tether.url!, 'noop_regular'),
      });
      // Where Tether's time goes: the same execution without HTTP, and tuned Temporal with Tether's payload encryption.
      const spi = spiDepsFor({ client: tether.client, registry: common.registry, log, settings });
      const spiBody = { connectionInstanceId: BENCH_INSTANCE, inputs: input };
      variants.push({
        name: 'tether/no-http',
        ablation: '− HTTP (SPI service called in-process)',
        description: 'as tether, handleSpiRequest called in-process: validation, durable execution, no HTTP',
        operation: async () => expectEcho(await handleSpiRequest(spi, { method: 'POST', path: '/bench/noop', headers: {}, body: spiBody }), 'handleSpiRequest'),
      });
      variants.push({
        name: 'tuned/update-with-start',
        baseline: 'tuned',
        ablation: 'update-with-start instead of eager start + result poll',
        description: 'as tuned, the result answered by an update sent with the start (one ExecuteMultiOperation call, no eager start)',
        operation: async () => {
          const startWorkflowOperation = new WithStartWorkflowOperation('updateNoopWorkflow', { taskQueue: TUNED_QUEUE, workflowId: `tuned-update/${randomUUID()}`, workflowIdConflictPolicy: 'FAIL', args: [] });
          const result = await tunedClient.workflow.executeUpdateWithStart(runNoopUpdate, { startWorkflowOperation, args: [input] });
          if ((result as { echo?: unknown }).echo !== input.value) throw new Error(`update-with-start returned ${JSON.stringify(result)}`);
        },
      });
      // What Tether's start options cost the server (search attributes, execution deadline, UI summary), on tuned.
      const tunedWith = (name: string, ablation: string, extra: Partial<WorkflowStartOptions>): Variant => ({
        name,
        baseline: 'tuned',
        ablation,
        description: `as tuned, started with ${ablation.slice(2)}`,
        operation: async () => {
          const result = await tunedClient.workflow.execute('tunedNoopWorkflow', { taskQueue: TUNED_QUEUE, workflowId: `${name}/${randomUUID()}`, args: [input], requestEagerStart: true, ...extra });
          if ((result as { echo?: unknown }).echo !== input.value) throw new Error(`${name} workflow returned ${JSON.stringify(result)}`);
        },
      });
      variants.push(
        tunedWith('tuned/search-attributes', "+ Tether's four search attributes", {
          typedSearchAttributes: [
            { key: TetherKind, value: 'action' },
            { key: TetherConnector, value: 'bench' },
            { key: TetherAction, value: 'noop' },
            { key: TetherConnectionInstance, value: BENCH_INSTANCE },
          ],
        }),
        tunedWith('tuned/execution-timeout', '+ a workflow execution timeout', { workflowExecutionTimeout: 60_000 }),
        tunedWith('tuned/summary', '+ a static summary (UI)', { staticSummary: 'bench noop' }),
      );
      const codecConnection = await NativeConnection.connect({ address: server.address });
      cleanups.push(() => codecConnection.close());
      const codecConverter = { payloadCodecs: [new AesGcmPayloadCodec(common.keyRing)] };
      const codecWorker = await Worker.create({
        connection: codecConnection,
        taskQueue: `${TUNED_QUEUE}-codec`,
        workflowBundle: { code: plainBundle.code },
        activities: createPlainActivities(),
        dataConverter: codecConverter,
      });
      const codecRun = codecWorker.run();
      cleanups.push(async () => {
        if (codecWorker.getState() === 'RUNNING') codecWorker.shutdown();
        await codecRun;
      });
      const codecClient = new Client({ connection: codecConnection, dataConverter: codecConverter });
      variants.push({
        name: 'tuned/codec',
        baseline: 'tuned',
        ablation: "+ Tether's payload encryption (AES-GCM codec)",
        description: "as tuned, with Tether's payload codec on client and worker",
        operation: async () => {
          const result = await codecClient.workflow.execute('tunedNoopWorkflow', { taskQueue: `${TUNED_QUEUE}-codec`, workflowId: `tuned-codec/${randomUUID()}`, args: [input], requestEagerStart: true });
          if ((result as { echo?: unknown }).echo !== input.value) throw new Error(`tuned/codec workflow returned ${JSON.stringify(result)}`);
        },
      });
      // An API-only Tether has its own connection and no worker on it: no eager start, the task goes through the queue.
      const apiOnly = await startTether({ ...common, settings: parseSettings(env), api: true, worker: false });
      cleanups.push(() => apiOnly.stop());
      separateApiEager = await tetherEagerlyStarted(apiOnly.client);
      variants.push({
        name: 'tether/separate-api',
        ablation: '− in-process worker and eager start',
        description: 'as tether, through an API-only Tether whose connection has no worker (the worker is the other one)',
        operation: spiCall(apiOnly.url!, 'noop'),
      });
    }

    return {
      variants,
      tetherUrl: tether.url!,
      adminToken: credentials.adminToken,
      maxCachedWorkflows: settings.TETHER_WORKER_MAX_CACHED_WORKFLOWS,
      temporalCli: cliVersion,
      temporalAddress: server.address,
      workflowBundlePath: bundlePath,
      serverPid: server.pid,
      eagerStart: { inProcessWorker: await tetherEagerlyStarted(tether.client), tuned: await eagerlyStarted(tunedClient, 'tunedNoopWorkflow', TUNED_QUEUE, [input]), separateApi: separateApiEager },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
