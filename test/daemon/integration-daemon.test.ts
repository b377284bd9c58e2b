import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorRunMaxEvents, integrationConnectorWorkflowIdPrefix, publishedStateMemoKey, refreshInTaskBoundMs } from '../../src/contracts/daemon-workflows';
import type { TestTether } from '../support/tether';
import { configureGroup, pollConnector, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('integration daemon: reconciliation, restarts, manual control', () => {
  let tether: TestTether;
  let peer: Peer;
  beforeAll(async () => {
    [tether, peer] = await Promise.all([startDaemonTether(), startPeer()]);
  });
  afterAll(async () => {
    await tether.stop();
    await peer.close();
  });

  const group = (connectors: object[]) => configureGroup(tether, connectors);
  /** Connector runs of a daemon server still running, from Temporal's visibility (what the status no longer shows once its group is gone). */
  const runningConnectors = async (serverName: string) =>
    (await tether.client.workflow.count(`WorkflowId STARTS_WITH '${integrationConnectorWorkflowIdPrefix(serverName)}' AND ExecutionStatus = 'Running'`)).count;

  it('starts a connector, follows a definition change within 10 s, stops a removed one', async () => {
    const path = `/${unique('a')}`;
    const { api, define, serverName } = await group([pollConnector('poller', `${peer.url}${path}`)]);
    await waitFor(() => peer.hits(path).length >= 2, { what: 'two polls' });
    const running = await waitFor(async () => (await api.connectors()).poller?.connectorStatus === 'RUNNING' && (await api.connectors()).poller, { what: 'RUNNING' });
    expect(running).toMatchObject({ connectorType: 'tether.http-poll', restartCount: 0 });
    expect(running.failingExceptionMessage).toBeUndefined();
    expect(running.refreshCount).toBeGreaterThanOrEqual(1);
    expect(running.lastRefreshSummary).toContain('answered 200');

    const changedPath = `/${unique('b')}`;
    const changedAt = Date.now();
    await define([pollConnector('poller', `${peer.url}${changedPath}`), pollConnector('second', `${peer.url}${path}-second`)]);
    const [firstHit] = await waitFor(() => peer.hits(changedPath).length > 0 && peer.hits(changedPath), { what: 'the changed URL' });
    const latencyMs = firstHit!.at - changedAt;
    console.log(`definition change reached the running connector in ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(10_000);
    await waitFor(() => peer.hits(`${path}-second`).length > 0, { what: 'the added connector' });
    // The status shows what the runs published, through Temporal's visibility, which may trail the request the
    // new definition already made: wait for the restart to show, then check it is the only one.
    const restarted = await waitFor(async () => ((await api.connectors()).poller?.restartCount ?? 0) >= 1 && (await api.connectors()).poller, { what: 'the restart in status' });
    expect(restarted.restartCount).toBe(1);

    await define([pollConnector('second', `${peer.url}${path}-second`)]);
    await waitFor(async () => !('poller' in (await api.connectors())), { what: 'poller removed' });
    const hitsAfterRemoval = peer.hits(changedPath).length;
    await sleep(2_500);
    expect(peer.hits(changedPath).length).toBeLessThanOrEqual(hitsAfterRemoval + 1);

    await api.removeAll().expect(200);
    await waitFor(async () => (await api.summaries()).length === 0, { what: 'no groups' });
    // The groups leave the status at once; their connectors stop after, through the reconcilers (an activity and
    // two workflow tasks later, seconds on a busy machine): wait for their runs to close, then no request follows.
    await waitFor(async () => (await runningConnectors(serverName)) === 0, { what: 'the connectors stopped' });
    const hitsAfterDelete = peer.hits(`${path}-second`).length;
    await sleep(2_500);
    expect(peer.hits(`${path}-second`).length).toBe(hitsAfterDelete);
  });

  it('restarts a failing connector with backoff visible in status, and recovers', async () => {
    const failing = await startPeer();
    failing.status = 500;
    try {
      const { api } = await group([pollConnector('flaky', `${failing.url}/flaky`)]);
      const restarting = await waitFor(
        async () => {
          const status = (await api.connectors()).flaky;
          // Waiting for its automatic restart: FAILED in Egeria's terms, RESTARTING in Tether's.
          return status && status.restartCount >= 3 && status.tetherStatus === 'RESTARTING' && status.connectorStatus === 'FAILED' && status;
        },
        { what: 'three restarts' },
      );
      expect(restarting.failingExceptionMessage).toBe(`GET ${failing.url}/flaky answered 500 Internal Server Error`);
      expect(restarting.nextRestartTime).toEqual(expect.any(Number));
      expect(restarting.nextRestartTime!).toBeGreaterThan(restarting.lastRestartTime!);
      // Backoff 0.5 s, 1 s, 2 s, …: durable timers never fire early, so each gap is at least its interval
      // (a loaded machine only adds to them); without backoff the third gap would be ~0.5 s.
      const gaps = failing.requests.slice(1).map((r, i) => r.at - failing.requests[i]!.at);
      expect(gaps.length).toBeGreaterThanOrEqual(3);
      expect(gaps.slice(0, 3).map((gap, i) => gap >= 500 * 2 ** i)).toEqual([true, true, true]);

      failing.status = 200;
      const recovered = await waitFor(async () => (await api.connectors()).flaky?.connectorStatus === 'RUNNING' && (await api.connectors()).flaky, { what: 'recovery' });
      expect(recovered.failingExceptionMessage).toBeUndefined();
      expect(recovered.nextRestartTime).toBeUndefined();
    } finally {
      await failing.close();
    }
  });

  it('gives up after maximumRestarts (FAILED) until restarted by hand', async () => {
    const failing = await startPeer();
    failing.status = 503;
    try {
      const connector = pollConnector('limited', `${failing.url}/limited`, { restartPolicy: { initialIntervalSeconds: 0.2, maximumRestarts: 1 } });
      const { api } = await group([connector]);
      // Egeria shows FAILED while it waits for a restart too; Tether's tetherStatus tells the two apart.
      const failed = await waitFor(async () => (await api.connectors()).limited?.tetherStatus === 'FAILED' && (await api.connectors()).limited, { what: 'FAILED' });
      expect(failed).toMatchObject({ restartCount: 1, connectorStatus: 'FAILED' });
      expect(failed.nextRestartTime).toBeUndefined();
      await sleep(1_000);
      expect(failing.requests.length).toBe(2);

      failing.status = 200;
      await api.restart({ class: 'NameRequestBody', name: 'limited' }).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
      const running = await waitFor(async () => (await api.connectors()).limited?.connectorStatus === 'RUNNING' && (await api.connectors()).limited, { what: 'RUNNING' });
      expect(running.restartCount).toBe(2);
    } finally {
      await failing.close();
    }
  });

  it('holds an unknown type or a bad configuration in CONFIG_FAILED, without retrying, until the definition is fixed', async () => {
    const path = `/${unique('fixed')}`;
    const { api, define } = await group([
      { connectorName: 'unknown', connectorType: 'tether.nope', configuration: {}, refreshIntervalSeconds: 1 },
      { connectorName: 'bad', connectorType: 'tether.http-poll', configuration: { url: 'not a url' }, refreshIntervalSeconds: 1 },
    ]);
    const statuses = await waitFor(
      async () => {
        const all = await api.connectors();
        return all.unknown?.connectorStatus === 'CONFIG_FAILED' && all.bad?.connectorStatus === 'CONFIG_FAILED' && all;
      },
      { what: 'CONFIG_FAILED' },
    );
    expect(statuses.unknown!.failingExceptionMessage).toMatch(/^Unknown connectorType tether\.nope; this worker knows tether\.http-poll, tether\.folder-monitor/);
    expect(statuses.bad!.failingExceptionMessage).toBe('Invalid configuration for tether.http-poll: configuration.url: url must be an http(s) URL');
    await sleep(1_500);
    const later = await api.connectors();
    expect(later.unknown).toMatchObject({ connectorStatus: 'CONFIG_FAILED', restartCount: 0, refreshCount: 0 });
    expect(later.unknown!.nextRestartTime).toBeUndefined();

    await define([pollConnector('bad', `${peer.url}${path}`)]);
    await waitFor(async () => (await api.connectors()).bad?.connectorStatus === 'RUNNING', { what: 'fixed connector RUNNING' });
    expect(peer.hits(path).length).toBeGreaterThan(0);
    // Stopped by the same change; its run's end reaches the status through visibility, in no set order with the fix.
    await waitFor(async () => !('unknown' in (await api.connectors())), { what: 'the unknown type removed' });
  });

  it('refreshes and restarts connectors on request, and re-reads a group definition on request', async () => {
    const path = `/${unique('manual')}`;
    const { api, qualifiedName } = await group([pollConnector('slow', `${peer.url}${path}`, { refreshIntervalSeconds: 3600 })]);
    await waitFor(async () => (await api.connectors()).slow?.connectorStatus === 'RUNNING', { what: 'RUNNING' });
    expect(peer.hits(path).length).toBe(1);

    await api.refresh({ class: 'NameRequestBody', name: 'slow' }).expect(200);
    await waitFor(() => peer.hits(path).length === 2, { what: 'manual refresh' });
    await api.restart().expect(200);
    await waitFor(() => peer.hits(path).length === 3, { what: 'restart' });
    await waitFor(async () => (await api.connectors()).slow?.restartCount === 1, { what: 'restartCount 1' });

    const unknown = await api.refresh({ class: 'NameRequestBody', name: 'nobody' });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ class: 'VoidResponse', relatedHTTPCode: 400, exceptionErrorMessage: expect.stringContaining('nobody'), exceptionProperties: { parameterName: 'name' } });

    const reread = await api.refreshConfig(qualifiedName);
    expect(reread.status).toBe(200);
    expect(reread.body).toEqual({ class: 'VoidResponse', relatedHTTPCode: 200, reconciliation: { rejected: [], started: [], reconfigured: [], stopped: [], definitionError: null } });
    expect((await api.refreshConfig('not-configured')).body).toMatchObject({ relatedHTTPCode: 400, exceptionProperties: { parameterName: 'integrationGroupName' } });
  });

  it('refreshes inside one workflow task, and a refresh longer than that bound in an activity, REFRESHING meanwhile and never stale', async () => {
    const [fast, slow] = [`/${unique('fast')}`, `/${unique('slow')}`];
    peer.slow.set(slow, refreshInTaskBoundMs + 2_000);
    const configuredAt = Date.now();
    const { api } = await group([pollConnector('fast', `${peer.url}${fast}`), pollConnector('slow', `${peer.url}${slow}`)]);
    await waitFor(async () => (await api.connectors()).fast?.refreshCount! >= 2, { what: 'two fast refreshes' });
    // A short refresh is a local activity: the connector's history holds no activity task.
    const fastRun = tether.client.workflow.getHandle((await api.connectors()).fast!.connectorId as string);
    const events = (await fastRun.fetchHistory()).events!;
    expect(events.filter((event) => event.activityTaskScheduledEventAttributes)).toHaveLength(0);
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity').length).toBeGreaterThanOrEqual(2);

    // The slow one's in-task refresh is cut off at the bound, then run again as an activity, published REFRESHING.
    const published = async () => {
      const report = (await api.connectors()).slow;
      return report && report.lastPublished! >= configuredAt + refreshInTaskBoundMs && report;
    };
    const refreshing = await waitFor(published, { timeoutMs: 30_000, what: 'the state published by the activity refresh' });
    expect(refreshing).toMatchObject({ connectorStatus: 'REFRESHING', refreshCount: 0 });
    expect(refreshing.stale).toBeUndefined();
    const running = await waitFor(async () => (await api.connectors()).slow?.refreshCount! >= 1 && (await api.connectors()).slow, { timeoutMs: 30_000, what: 'the slow refresh' });
    expect(running).toMatchObject({ restartCount: 0, lastRefreshSummary: expect.stringContaining('answered 200') });
    expect(peer.hits(slow).length).toBeGreaterThanOrEqual(2);
    // Once a refresh is short again, the connector goes back to refreshing inside the workflow task.
    peer.slow.delete(slow);
    await waitFor(async () => (await api.connectors()).slow?.refreshCount! >= 3, { timeoutMs: 30_000, what: 'fast refreshes of the slow one' });
    const slowEvents = (await tether.client.workflow.getHandle(running.connectorId as string).fetchHistory()).events!;
    const lastActivity = slowEvents.map((event) => Boolean(event.activityTaskScheduledEventAttributes)).lastIndexOf(true);
    expect(lastActivity).toBeGreaterThan(0);
    expect(slowEvents.slice(lastActivity).some((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
  }, 90_000);

  it('continues a connector as new every ~100 events, its state and status carried over', async () => {
    const path = `/${unique('long')}`;
    const { api } = await group([pollConnector('long', `${peer.url}${path}`)]);
    const workflowId = await waitFor(async () => (await api.connectors()).long?.connectorId as string | undefined, { what: 'listed' });
    const runs = async () => {
      const found = [];
      for await (const run of tether.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) found.push(run);
      return found;
    };
    // About 8 events a refresh: the first run continues as new after about a dozen refreshes.
    await waitFor(async () => (await runs()).length >= 2, { timeoutMs: 40_000, intervalMs: 1_000, what: 'a continued run' });
    const report = await waitFor(async () => (await api.connectors()).long?.refreshCount! >= 15 && (await api.connectors()).long, { timeoutMs: 20_000, what: 'refreshes after it' });
    expect(report).toMatchObject({ connectorStatus: 'RUNNING', restartCount: 0 });
    expect(report.stale).toBeUndefined();
    expect(peer.hits(path).length).toBeGreaterThanOrEqual(report.refreshCount!);
    const all = await runs();
    const first = all.find((run) => run.status.name === 'CONTINUED_AS_NEW')!;
    expect(first.historyLength).toBeLessThan(connectorRunMaxEvents + 20);
    // The next run starts with the memo (the published state) of the one before: listed from its first moment.
    const next = all.find((run) => run.runId !== first.runId && run.startTime > first.startTime)!;
    const [started] = (await tether.client.workflow.getHandle(workflowId, next.runId).fetchHistory()).events!;
    expect(Object.keys(started!.workflowExecutionStartedEventAttributes!.memo!.fields!)).toContain(publishedStateMemoKey);
  }, 90_000);

  it('catalogues a real folder each refresh, reporting files added and removed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tether-folder-'));
    try {
      writeFileSync(join(folder, 'a.csv'), '1');
      writeFileSync(join(folder, 'skip.txt'), '1');
      // Refreshed on request: a summary stays in the status until the next refresh. At one refresh a second it
      // showed for about a second, which a status read on a busy machine could miss (the wait then timed out).
      const { api } = await group([
        { connectorName: 'folder', connectorType: 'tether.folder-monitor', configuration: { path: folder, pattern: '*.csv' }, refreshIntervalSeconds: 3600 },
      ]);
      const summaryAfter = async (refreshCount: number) => {
        const status = await waitFor(async () => (await api.connectors()).folder?.refreshCount === refreshCount && (await api.connectors()).folder, { what: `refresh ${refreshCount}` });
        return status.lastRefreshSummary;
      };
      expect(await summaryAfter(1)).toBe('1 file; first catalogue');
      writeFileSync(join(folder, 'b.csv'), '2');
      await api.refresh({ class: 'NameRequestBody', name: 'folder' }).expect(200);
      expect(await summaryAfter(2)).toBe('2 files; added: b.csv');
      rmSync(join(folder, 'a.csv'));
      await api.refresh({ class: 'NameRequestBody', name: 'folder' }).expect(200);
      expect(await summaryAfter(3)).toBe('1 file; removed: a.csv');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
