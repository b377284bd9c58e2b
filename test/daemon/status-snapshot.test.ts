import type { Client } from '@temporalio/client';
import { DaemonClient } from '../../src/daemon/daemon-client';

/**
 * Pure unit test of how GET status keeps a server's connectors up to date: one list of every running connector
 * first, then lists of the runs changed since. Visibility is a canned list here (each query is recorded); the
 * queries themselves run against Temporal in the daemon's integration tests.
 */
type Run = { workflowId: string; status: 'RUNNING' | 'COMPLETED'; state?: { connectorName: string; connectorStatus: string } };

function fakeTemporal() {
  const queries: string[] = [];
  let answer: Run[] = [];
  const client = {
    withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
    workflow: {
      getHandle: () => ({ describe: async () => ({ memo: { tetherState: { groups: [], lastSyncError: null } } }) }),
      async *list({ query }: { query: string }) {
        queries.push(query);
        if (query.includes("'group-reconciler'")) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const run of answer) yield { workflowId: run.workflowId, status: { name: run.status }, memo: run.state ? { tetherState: run.state } : {} };
      },
    },
  };
  return { client: client as unknown as Client, queries: () => queries.filter((q) => q.includes("'integration-connector'")), answer: (runs: Run[]) => (answer = runs) };
}

const running = (name: string, connectorStatus: string): Run => ({ workflowId: `integration/s/g/${name}`, status: 'RUNNING', state: { connectorName: name, connectorStatus } });
const statuses = async (daemons: DaemonClient) => Object.fromEntries((await daemons.snapshot('s')).connectors.map((c) => [c.connectorName, c.connectorStatus]));

describe('status of a server’s connectors', () => {
  it('lists every running connector once, then only the runs changed since the previous read', async () => {
    const temporal = fakeTemporal();
    const daemons = new DaemonClient(temporal.client, 'unused', 5);
    temporal.answer([running('a', 'RUNNING'), running('b', 'REFRESHING'), running('c', 'RUNNING')]);
    expect(await statuses(daemons)).toEqual({ a: 'RUNNING', b: 'REFRESHING', c: 'RUNNING' });
    expect(temporal.queries()[0]).toContain("ExecutionStatus = 'Running'");

    // b changed; c was stopped (its run closed); a continued as new (both runs listed, the new one running).
    temporal.answer([
      running('b', 'RUNNING'),
      { ...running('c', 'RUNNING'), status: 'COMPLETED' },
      { ...running('a', 'RUNNING'), status: 'COMPLETED' },
      running('a', 'RUNNING'),
    ]);
    expect(await statuses(daemons)).toEqual({ a: 'RUNNING', b: 'RUNNING' });
    expect(temporal.queries()[1]).toMatch(/TetherStateChangedAt >= '[^']+' OR TetherStateChangedAt IS NULL OR StartTime >= '[^']+' OR \(ExecutionStatus != 'Running' AND CloseTime >= '[^']+'\)\)/);
  });

  it('answers each call from a read that began after it, one read at a time, shared by the calls waiting', async () => {
    const temporal = fakeTemporal();
    const daemons = new DaemonClient(temporal.client, 'unused', 5);
    temporal.answer([running('a', 'REFRESHING')]);
    const first = daemons.snapshot('s');
    // Arrive while the first read is going: they must not be answered from it (it began before them).
    await new Promise((resolve) => setTimeout(resolve, 5));
    temporal.answer([running('a', 'RUNNING')]);
    const [second, third] = await Promise.all([daemons.snapshot('s'), daemons.snapshot('s'), first]);
    expect(second.connectors[0]!.connectorStatus).toBe('RUNNING');
    expect(third.connectors[0]!.connectorStatus).toBe('RUNNING');
    expect(temporal.queries()).toHaveLength(2);
  });
});
