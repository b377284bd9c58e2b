/**
 * The behaviours part of `npm run bench` (DESIGN §9): a real platform hub and a connector-mode Tether on the
 * bench's Temporal server; deploy-to-first-successful-call time, then a behaviour call through the hub beside
 * a built-in action through the hub, interleaved in rounds at concurrency 1.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Credentials } from '../src/config/credentials';
import { parseSettings } from '../src/config/settings';
import { createLogger } from '../src/logging/logger';
import { platformConnectionTarget, queryPlatformConnection, startPlatformConnection } from '../src/platform/connector-mode';
import { startPlatformHub } from '../src/platform/hub';
import { startTether } from '../src/runtime/tether';
import { parseKeyRing } from '../src/temporal/codec/key-ring';
import { BENCH_INSTANCE, benchRegistry } from './connector';
import { callJson, postJson } from './http-client';
import { Measurement, runSegment, type Operation } from './load';
import { note } from './progress';

export interface BehavioursBenchResult {
  /** Milliseconds from the PUT on the hub to the first 200 of the deployed version through the hub, per deploy. */
  deployToFirstCallMs: number[];
  deployToFirstCallMedianMs: number;
  /** Concurrency 1, through the hub: a behaviour call and a built-in action (`bench/noop`), both durable executions. */
  runs: Array<{ variant: 'behaviour-via-hub' | 'action-via-hub'; concurrency: 1; p50Ms: number; p95Ms: number; p99Ms: number; throughputPerSec: number; ops: number; errors: number; firstError?: string }>;
  skipped?: string;
}

const round = (value: number) => Math.round(value * 100) / 100;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runBehavioursBench(options: { temporalAddress: string; workflowBundlePath: string; rounds: number; segmentMs: number; deploys: number }): Promise<BehavioursBenchResult> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  try {
    const adminToken = `bench-hub-${randomUUID()}`;
    const hubDir = mkdtempSync(join(tmpdir(), 'tether-bench-hub-'));
    cleanups.push(() => rmSync(hubDir, { recursive: true, force: true }));
    const log = createLogger('warn', 'tether-bench');
    const hub = await startPlatformHub({ port: 0, host: '127.0.0.1', dataDir: hubDir, adminToken, log });
    cleanups.push(() => hub.close());
    const hubAuth = { authorization: `Bearer ${adminToken}` };
    const connectorId = 'bench-behaviours';
    const secret = `bench-secret-${randomUUID()}`;
    await callJson('PUT', new URL(`/admin/connectors/${connectorId}`, hub.url), { secret, privileges: ['*'] }, hubAuth);

    const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-connector-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const settings = parseSettings({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TETHER_TASK_QUEUE: 'bench-behaviours',
      TETHER_DATA_DIR: dataDir,
      TETHER_BEHAVIOURS_DIR: join(dataDir, 'behaviours'),
      TETHER_PLATFORM_URL: hub.connectUrl,
      TETHER_CONNECTOR_ID: connectorId,
      TETHER_CONNECTOR_SECRET: secret,
    });
    const credentials: Credentials = { adminToken: `bench-admin-${randomUUID()}`, spiUser: 'catalog', spiPassword: `bench-${randomUUID()}` };
    note('Behaviours: starting a hub and a connector-mode Tether…');
    const tether = await startTether({
      settings,
      credentials,
      registry: benchRegistry(),
      keyRing: parseKeyRing(`bench:${Buffer.alloc(32, 9).toString('base64')}`),
      log,
      temporalAddress: options.temporalAddress,
      api: false,
      worker: true,
      workflowBundlePath: options.workflowBundlePath,
    });
    cleanups.push(() => tether.stop());
    const target = platformConnectionTarget(settings)!;
    await startPlatformConnection(tether.client, settings.TETHER_TASK_QUEUE, target, true);
    cleanups.push(() => tether.client.workflow.getHandle(target.workflowId).terminate('bench over').catch(() => undefined));
    const deadline = Date.now() + 30_000;
    while ((await queryPlatformConnection(tether.client, target.workflowId).catch(() => undefined))?.phase !== 'CONNECTED') {
      if (Date.now() > deadline) throw new Error('the connector did not connect to the hub within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const deployUrl = new URL('/admin/behaviours/bench/prod', hub.url);
    const callUrl = new URL(`/connectors/${connectorId}/behaviours/bench/prod/echo`, hub.url);
    const deployToFirstCallMs: number[] = [];
    for (let n = 1; n <= options.deploys; n += 1) {
      const source = `export async function echo(input: { value: string }) { return { echo: input.value, deploy: ${n} }; }\n`;
      const started = performance.now();
      const deployed = await callJson('PUT', deployUrl, { files: { 'index.ts': source } }, hubAuth);
      if (deployed.status !== 201) throw new Error(`deploy answered ${deployed.status}: ${JSON.stringify(deployed.body)}`);
      for (;;) {
        const answer = await postJson(callUrl, { input: { value: 'ping' } }, hubAuth);
        if (answer.status === 200 && (answer.body as { output?: { deploy?: number } }).output?.deploy === n) break;
        if (performance.now() - started > 30_000) throw new Error(`deploy ${n} never answered: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
      deployToFirstCallMs.push(round(performance.now() - started));
    }

    const behaviourCall: Operation = async () => {
      const answer = await postJson(callUrl, { input: { value: 'ping' } }, hubAuth);
      if (answer.status !== 200 || (answer.body as { output?: { echo?: string } }).output?.echo !== 'ping') throw new Error(`behaviour answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
    };
    const actionUrl = new URL(`/connectors/${connectorId}/bench/noop`, hub.url);
    const actionCall: Operation = async () => {
      const answer = await postJson(actionUrl, { connectionInstanceId: BENCH_INSTANCE, inputs: { value: 'ping' } }, hubAuth);
      if (answer.status !== 200 || (answer.body as { outputs?: { echo?: string } }).outputs?.echo !== 'ping') throw new Error(`action answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
    };
    const variants = [
      { name: 'behaviour-via-hub' as const, operation: behaviourCall, measurement: new Measurement('behaviour-via-hub', 1) },
      { name: 'action-via-hub' as const, operation: actionCall, measurement: new Measurement('action-via-hub', 1) },
    ];
    note(`Behaviours: ${options.rounds} rounds of ${options.segmentMs} ms, behaviour call vs built-in action through the hub, c=1…`);
    for (const variant of variants) await runSegment(variant.operation, 1, Math.min(1_000, options.segmentMs));
    for (let r = 0; r < options.rounds; r += 1) {
      for (const variant of r % 2 ? [...variants].reverse() : variants) await runSegment(variant.operation, 1, options.segmentMs, variant.measurement);
    }
    return {
      deployToFirstCallMs,
      deployToFirstCallMedianMs: median(deployToFirstCallMs),
      runs: variants.map(({ name, measurement }) => ({
        variant: name,
        concurrency: 1,
        p50Ms: round(measurement.percentileMs(50)),
        p95Ms: round(measurement.percentileMs(95)),
        p99Ms: round(measurement.percentileMs(99)),
        throughputPerSec: round(measurement.throughputPerSec()),
        ops: measurement.ops,
        errors: measurement.errors,
        ...(measurement.firstError ? { firstError: measurement.firstError } : {}),
      })),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err: Error) => note(`(cleanup: ${err.message})`));
  }
}

/** The lines the bench prints for the behaviours part. */
export function formatBehaviours(result: BehavioursBenchResult): string {
  if (result.skipped) return `behaviours: ${result.skipped}`;
  const lines = [`behaviours: deploy to first successful call through the hub, median ${result.deployToFirstCallMedianMs} ms (${result.deployToFirstCallMs.join(', ')} ms)`];
  for (const run of result.runs) lines.push(`  ${run.variant.padEnd(18)} c=1  p50 ${run.p50Ms} ms  p95 ${run.p95Ms} ms  p99 ${run.p99Ms} ms  ${run.throughputPerSec} calls/s${run.errors ? `  errors ${run.errors}` : ''}`);
  return lines.join('\n');
}
