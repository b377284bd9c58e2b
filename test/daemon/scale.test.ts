import type { TestTether } from '../support/tether';
import { daemonApi, pollConnector, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

const connectorCount = Number(process.env.TETHER_TEST_DAEMON_CONNECTORS ?? 50);

// A workflow cache smaller than the connectors: most idle connectors are evicted and replay their history when
// their refresh timer fires, as at 10,000 connectors with TETHER_WORKER_MAX_CACHED_WORKFLOWS bounded (README).
const cachedWorkflows = Math.max(1, Math.floor(connectorCount / 5));

describe(`integration daemon with ${connectorCount} connectors in one worker caching ${cachedWorkflows} workflows`, () => {
  let tether: TestTether;
  let peer: Peer;
  beforeAll(async () => {
    [tether, peer] = await Promise.all([startDaemonTether({ TETHER_WORKER_MAX_CACHED_WORKFLOWS: String(cachedWorkflows) }), startPeer()]);
  });
  afterAll(async () => {
    await tether.stop();
    await peer.close();
  });

  it('brings every connector to RUNNING and stops them all again', async () => {
    const api = daemonApi(tether, unique('daemon'));
    const metadataServer = unique('md');
    const connectors = Array.from({ length: connectorCount }, (_, i) => pollConnector(`c${i}`, `${peer.url}/scale/${i}`, { refreshIntervalSeconds: 5 }));
    const startedAt = Date.now();
    // Two groups, so the status view and the reconcilers work across groups too.
    await api.putDefinition(metadataServer, 'scale.a', { connectors: connectors.slice(0, connectorCount / 2) }).expect(201);
    await api.putDefinition(metadataServer, 'scale.b', { connectors: connectors.slice(connectorCount / 2) }).expect(201);
    await api.configureAll([api.groupConfig('scale.a', metadataServer), api.groupConfig('scale.b', metadataServer)]).expect(200);
    await waitFor(
      async () => {
        const all = Object.values(await api.connectors());
        // Up = has refreshed and is between refreshes (RUNNING) or in one (REFRESHING).
        return all.length === connectorCount && all.every((status) => status.refreshCount >= 1 && ['RUNNING', 'REFRESHING'].includes(status.connectorStatus));
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `${connectorCount} connectors RUNNING` },
    );
    const seconds = (Date.now() - startedAt) / 1000;
    // GET status is three reads whatever the count (published state, not a query per connector); measured, not asserted.
    const statusStarted = Date.now();
    const reports = Object.keys(await api.connectors()).length;
    console.log(`GET status for ${reports} connectors took ${Date.now() - statusStarted} ms`);
    console.log(`${connectorCount} connectors RUNNING after ${seconds.toFixed(2)} s; worker RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
    expect(new Set(peer.requests.map((r) => r.url)).size).toBe(connectorCount);
    const firstPolls = [...new Map([...peer.requests].reverse().map((r) => [r.url, r.at] as const)).values()];
    console.log(`first polls between ${(Math.min(...firstPolls) - startedAt) / 1000} s and ${(Math.max(...firstPolls) - startedAt) / 1000} s`);

    // Evicted connectors come back from replay on their next timer and refresh again.
    expect(tether.worker?.options.maxCachedWorkflows).toBe(cachedWorkflows);
    await waitFor(
      async () => {
        const all = Object.values(await api.connectors());
        return all.length === connectorCount && all.every((status) => status.refreshCount >= 2 && ['RUNNING', 'REFRESHING'].includes(status.connectorStatus));
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `${connectorCount} connectors refreshed twice` },
    );

    await api.removeAll().expect(200);
    await waitFor(async () => (await api.summaries()).length === 0, { what: 'groups removed' });
    const hits = peer.requests.length;
    await new Promise((r) => setTimeout(r, 6_000));
    expect(peer.requests.length).toBeLessThanOrEqual(hits + connectorCount);
  }, 120_000);
});
