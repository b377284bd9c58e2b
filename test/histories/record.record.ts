/**
 * Records histories of every workflow type, driven the way users drive Tether (REST, admin API, the hub),
 * into test/histories/; test/operations/replay.test.ts and `tether replay` in CI replay them against the
 * current code. Payloads are encrypted with the test codec key. Re-record only after an intended,
 * versioned workflow change: npm run record-histories
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { refreshInTaskBoundMs } from '../../src/contracts/daemon-workflows';
import { daemonApi, startDaemonTether, startPeer, waitFor } from '../daemon/support';
import { phaseOf, startConnectorTether } from '../platform/connector-support';
import { hubAdmin, registerConnector, startTestHub } from '../platform/support';
import { spiAuth, startTestTether } from '../support/tether';
import { callBehaviour, deploy, startBehaviourStack } from '../behaviours/support';

function save(name: string, workflowId: string) {
  // The CLI writes the canonical JSON history format (the SDK's converter trips over jest's module registry).
  const json = execFileSync(process.env.TETHER_TEST_TEMPORAL_BINARY!, ['workflow', 'show', '--address', process.env.TETHER_TEST_TEMPORAL_ADDRESS!, '--workflow-id', workflowId, '--output', 'json']);
  writeFileSync(join(__dirname, `${name}.json`), json);
}

describe('record workflow histories', () => {
  beforeAll(() => {
    // Histories of a workflow's shape before a patch (`<name>.before-<patch id>.json`) are kept: they are what
    // proves the patched code still replays runs that started before it.
    for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.json') && !name.includes('.before-'))) unlinkSync(join(__dirname, file));
  });

  it('actions and health checks over the SPI', async () => {
    const tether = await startTestTether();
    try {
      const order = (quantity: number, key: string) =>
        request(tether.url).post('/myconnector/order_product').set(spiAuth).set('Idempotency-Key', key).send({ connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity } });
      const ok = await order(1, `recorded-ok-${Date.now()}`).expect(200);
      expect(ok.body.outputs.orderId).toBeDefined();
      const failed = await order(0, `recorded-failed-${Date.now()}`).expect(422);
      const health = await request(tether.url).post('/myconnector/com.bmc.dsm.catalog:checkHealth').set(spiAuth).send({ connectionInstanceId: 'DEV', request: {} }).expect(200);
      expect(health.body.response.status).toBe('CONNECTION_SUCCESS');
      const list = async (type: string) => {
        const ids: string[] = [];
        for await (const run of tether.client.workflow.list({ query: `WorkflowType = '${type}' AND TaskQueue = '${tether.settings.TETHER_TASK_QUEUE}'` })) ids.push(run.workflowId);
        return ids;
      };
      const actions = await waitFor(async () => ((await list('executeAction')).length === 2 ? list('executeAction') : undefined), { what: 'two action runs' });
      save('execute-action-completed', actions.find((id) => id.includes('recorded-ok'))!);
      save('execute-action-business-failure', failed.body.error.executionId);
      save('check-connection-health', (await waitFor(async () => (await list('checkConnectionHealth'))[0], { what: 'health run' }))!);
    } finally {
      await tether.stop();
    }
  });

  it('the integration daemon: configuration, reconciliation, a connector that fails and recovers', async () => {
    const tether = await startDaemonTether();
    const peer = await startPeer();
    const folder = mkdtempSync(join(tmpdir(), 'tether-record-'));
    const server = `recorded-${Date.now()}`;
    const api = daemonApi(tether, server);
    try {
      await api
        .putDefinition('recorded-md', 'recorded.group', {
          connectors: [
            { connectorName: 'poll', connectorType: 'tether.http-poll', configuration: { url: `${peer.url}/health` }, refreshIntervalSeconds: 1, restartPolicy: { initialIntervalSeconds: 0.5, coefficient: 2, maximumIntervalSeconds: 2 } },
            { connectorName: 'folder', connectorType: 'tether.folder-monitor', configuration: { path: folder }, refreshIntervalSeconds: 1 },
            // Its first refresh outlasts the in-task bound (then runs as an activity), the later ones do not.
            { connectorName: 'slow', connectorType: 'tether.http-poll', configuration: { url: `${peer.url}/slow` }, refreshIntervalSeconds: 1 },
          ],
        })
        .expect(201);
      peer.slow.set('/slow', refreshInTaskBoundMs + 1_000);
      await api.configure(api.groupConfig('recorded.group', 'recorded-md')).expect(200);
      await waitFor(async () => (await api.connectors()).poll?.refreshCount! >= 1, { what: 'first refresh' });
      peer.status = 500;
      await waitFor(async () => (await api.connectors()).poll?.restartCount! >= 1, { what: 'a restart' });
      peer.status = 200;
      writeFileSync(join(folder, 'a.csv'), 'x');
      await waitFor(async () => (await api.connectors()).poll?.connectorStatus === 'RUNNING', { what: 'recovery' });
      await api.refresh({ connectorName: 'folder' }).expect(200);
      await waitFor(async () => (await api.connectors()).slow?.refreshCount! >= 1, { timeoutMs: 30_000, what: 'the slow refresh' });
      peer.slow.delete('/slow');
      await waitFor(async () => (await api.connectors()).slow?.refreshCount! >= 3, { what: 'refreshes in the task again' });
      await api.remove('recorded.group').expect(200);
      await waitFor(async () => (await api.summaries()).length === 0, { what: 'group removed' });
      save('integration-daemon', `daemon/${server}`);
      save('group-reconciler', `reconciler/${server}/recorded.group`);
      save('integration-connector', `integration/${server}/recorded.group/poll`);
      save('integration-connector-slow-refresh', `integration/${server}/recorded.group/slow`);
      save('metadata-store', 'metadata/recorded-md');
    } finally {
      await peer.close();
      await tether.stop();
    }
  });

  it('the outbound platform connection: connect, relay, hub restart, reconnect', async () => {
    let hub = await startTestHub({ heartbeatMs: 500 });
    const secret = 'recorded-secret-0123456789';
    await registerConnector(hub, 'recorded', secret, ['*']);
    const tether = await startConnectorTether(hub.connectUrl, 'recorded', secret, { TETHER_RECONNECT_WINDOW_SECONDS: '30' });
    try {
      await phaseOf(tether, 'CONNECTED');
      const relayed = await fetch(`${hub.url}/connectors/recorded/rcf/descriptor`, { headers: hubAdmin });
      expect(relayed.status).toBe(200);
      const port = new URL(hub.url).port;
      await hub.close();
      await phaseOf(tether, 'RECONNECTING');
      hub = await startTestHub({ heartbeatMs: 500, port: Number(port), dataDir: hub.dataDir });
      await phaseOf(tether, 'CONNECTED');
      save('platform-connection', tether.workflowId);
    } finally {
      await tether.stopAll();
      await hub.close();
    }
  });

  it('behaviours: a call that completes and one that throws', async () => {
    const stack = await startBehaviourStack();
    try {
      const deployed = await deploy(stack, {
        'index.ts': "export async function greet(input: { name: string }) { return { greeting: `Hello, ${input.name}` }; }\nexport async function fail() { throw new Error('recorded failure'); }\n",
      });
      expect(deployed.status).toBe(201);
      const ok = await callBehaviour(stack, 'greet', { name: 'Ada' }, { headers: { 'Idempotency-Key': `recorded-behaviour-${Date.now()}` } });
      expect(ok.status).toBe(200);
      const failed = await callBehaviour(stack, 'fail', {});
      expect(failed.status).toBe(422);
      save('execute-behaviour-completed', ok.headers.get('x-tether-execution-id')!);
      save('execute-behaviour-threw', failed.body.error.executionId);
    } finally {
      await stack.stop();
    }
  });
});
