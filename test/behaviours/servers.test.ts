import { adminAuth } from '../support/tether';
import { phaseOf, startConnectorTether } from '../platform/connector-support';
import { callBehaviour, connectorStatus, deploy, secret, startBehaviourStack, type BehaviourStack } from './support';

const behaviourOf = (n: number) => ({
  'index.ts': `export async function which() { return { n: ${n} }; }\nexport async function crash() { process.exit(3); }\nexport async function hog() { const kept: number[][] = []; for (;;) kept.push(new Array(1_000_000).fill(${n})); }\n`,
});

describe('Behaviour Server processes', () => {
  let stack: BehaviourStack;
  beforeAll(async () => {
    stack = await startBehaviourStack({ env: { TETHER_BEHAVIOURS_MAX_BUILDS: '5', TETHER_BEHAVIOURS_MAX_OLD_SPACE_MB: '64' } });
  }, 60_000);
  afterAll(() => stack?.stop());

  it('after 25 deploys with MAX_BUILDS=5 leaves at most 2 live servers, the older ones exited, and the manager RSS flat', async () => {
    const rssAfter: number[] = [];
    const pids = new Set<number>();
    for (let n = 1; n <= 25; n += 1) {
      expect((await deploy(stack, behaviourOf(n))).status).toBe(201);
      expect((await callBehaviour(stack, 'which', {})).body.output).toEqual({ n });
      const status = await connectorStatus(stack);
      for (const server of status.servers) pids.add(server.pid);
      expect(status.servers.length).toBeLessThanOrEqual(2);
      if (n === 5 || n === 25) rssAfter.push(status.manager.rss);
    }
    // Five servers took the 25 builds; every one but the newest has exited.
    expect(pids.size).toBe(5);
    const status = await connectorStatus(stack);
    expect(status.servers).toHaveLength(1);
    expect(status.servers[0].builds).toBe(5);
    for (const pid of [...pids].filter((pid) => pid !== status.servers[0].pid)) expect(() => process.kill(pid, 0)).toThrow();
    // The manager keeps nothing per build (the test process hosts it, so allow for the suite's own noise).
    expect(rssAfter[1]! - rssAfter[0]!).toBeLessThan(60 * 1024 * 1024);
    const metrics = await (await fetch(`${stack.connector.url}/metrics`, { headers: { Authorization: 'Bearer test-admin-token-0123456789' } })).text();
    expect(metrics).toMatch(/tether_behaviour_server_recycles_total\{reason="drained"\} 4/);
    expect(metrics).toMatch(/tether_behaviour_builds_total\{outcome="succeeded"\} 25/);
  }, 120_000);

  it('survives a behaviour that kills its server or exhausts its memory cap: retried on fresh servers, then 502, and the next call works', async () => {
    const crashed = await callBehaviour(stack, 'crash', {});
    expect(crashed.status).toBe(502);
    expect(crashed.body.error.code).toBe('BEHAVIOUR_SERVER_DIED');
    // Retried because the server died: the executions API counts the attempts.
    const detail = await (await fetch(`${stack.connector.url}/admin/executions/${encodeURIComponent(crashed.body.error.executionId)}`, { headers: adminAuth })).json();
    expect(detail).toMatchObject({ kind: 'behaviour', attempts: 3, failure: { type: 'BehaviourServerDied' } });

    const hog = await callBehaviour(stack, 'hog', {});
    expect(hog.status).toBe(502);
    expect(hog.body.error.message).toMatch(/exited unexpectedly/);

    expect((await callBehaviour(stack, 'which', {})).body.output).toEqual({ n: 25 });
  }, 120_000);

  it('with TETHER_BEHAVIOURS_LOCK=true keeps the versions it has after a restart and downloads no new ones', async () => {
    await stack.connector.stopAll();
    stack.connector = await startConnectorTether(stack.hub.connectUrl, stack.connectorId, secret, { TETHER_BEHAVIOURS_DIR: stack.behavioursDir, TETHER_BEHAVIOURS_LOCK: 'true' });
    await phaseOf(stack.connector, 'CONNECTED', 20_000);
    expect((await deploy(stack, behaviourOf(26))).status).toBe(201);
    const answer = await callBehaviour(stack, 'which', {});
    expect(answer.body.output).toEqual({ n: 25 });
    const status = await connectorStatus(stack);
    expect(status.locked).toBe(true);
    expect(status.scopes[0].versions).toHaveLength(25);
  }, 60_000);
});
