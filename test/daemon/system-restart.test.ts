import { uniqueTaskQueue, type TestTether } from '../support/tether';
import { daemonApi, pollConnector, startDaemonTether, startPeer, unique, waitFor, type Peer } from './support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('integration daemon across Tethers', () => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer();
  });
  afterAll(() => peer.close());

  it('keeps configuration, definitions and running connectors when the whole Tether restarts', async () => {
    const taskQueue = uniqueTaskQueue('daemon-restart');
    const serverName = unique('daemon');
    const metadataServer = unique('md');
    const path = `/${unique('survivor')}`;
    let tether: TestTether = await startDaemonTether({ TETHER_TASK_QUEUE: taskQueue });
    try {
      const api = daemonApi(tether, serverName);
      await api.putDefinition(metadataServer, 'survivors', { connectors: [pollConnector('survivor', `${peer.url}${path}`)] }).expect(201);
      await api.configure(api.groupConfig('survivors', metadataServer)).expect(200);
      const before = await waitFor(async () => {
        const status = (await api.connectors()).survivor;
        return status && status.refreshCount >= 2 && status;
      }, { what: 'two refreshes' });

      await tether.stop();
      const hitsWhileDown = peer.hits(path).length;
      await sleep(2_000);
      expect(peer.hits(path).length).toBeLessThanOrEqual(hitsWhileDown + 1);

      tether = await startDaemonTether({ TETHER_TASK_QUEUE: taskQueue });
      const again = daemonApi(tether, serverName);
      await waitFor(() => peer.hits(path).length > hitsWhileDown + 1, { what: 'polls after the restart' });
      const after = await waitFor(async () => {
        const status = (await again.connectors()).survivor;
        return status?.connectorStatus === 'RUNNING' && status.refreshCount > before.refreshCount && status;
      }, { what: 'RUNNING with counters kept' });
      expect(after.refreshCount).toBeGreaterThan(before.refreshCount);
      expect((await again.configuration()).body.groups).toEqual([api.groupConfig('survivors', metadataServer)]);
      await again.removeAll().expect(200);
    } finally {
      await tether.stop();
    }
  });

  it('follows a group defined in another Tether’s metadata service', async () => {
    const [daemonHost, metadataHost] = await Promise.all([startDaemonTether(), startDaemonTether()]);
    try {
      const metadataServer = unique('remote-md');
      const path = `/${unique('remote')}`;
      const onMetadataHost = daemonApi(metadataHost, 'unused');
      const api = daemonApi(daemonHost, unique('daemon'));
      await onMetadataHost.putDefinition(metadataServer, 'remote.group', { connectors: [pollConnector('remote', `${peer.url}${path}`)] }).expect(201);
      await api.configure(api.groupConfig('remote.group', metadataServer, metadataHost.url)).expect(200);
      await waitFor(() => peer.hits(path).length > 0, { what: 'a poll from the remote definition' });

      const changedAt = Date.now();
      await onMetadataHost.putDefinition(metadataServer, 'remote.group', { connectors: [pollConnector('remote', `${peer.url}${path}-v2`)] }).expect(200);
      const [first] = await waitFor(() => peer.hits(`${path}-v2`).length > 0 && peer.hits(`${path}-v2`), { what: 'the changed remote definition' });
      expect(first!.at - changedAt).toBeLessThan(10_000);
      await api.removeAll().expect(200);
    } finally {
      await Promise.all([daemonHost.stop(), metadataHost.stop()]);
    }
  });
});
