import { loadConnectorRegistry } from '../../src/config/connectors';
import { getPlatformConnectionStatusQuery } from '../../src/contracts/platform-connection';
import { createLogger } from '../../src/logging/logger';
import { startTether } from '../../src/runtime/tether';
import { parseKeyRing } from '../../src/temporal/codec';
import { suiteTemporalAddress, testCodecKey, testCredentials } from '../support/tether';
import { phaseOf, startConnectorTether } from './connector-support';
import { eventually, hubAdmin, listConnectors, registerConnector, startTestHub } from './support';

describe('the socket-holding activity when its worker goes away', () => {
  it('moves to another worker on the same task queue, which reconnects and serves relayed calls', async () => {
    const hub = await startTestHub({ heartbeatMs: 500 });
    const secret = 'failover-secret-0123456789';
    await registerConnector(hub, 'failover', secret, ['*']);
    const first = await startConnectorTether(hub.connectUrl, 'failover', secret, { TETHER_RECONNECT_WINDOW_SECONDS: '60' });
    const firstConnection = (await phaseOf(first, 'CONNECTED'))!.connectionId;
    // A second worker process of the same deployment: same task queue, same connector credentials.
    const second = await startTether({
      settings: first.settings,
      credentials: testCredentials,
      registry: loadConnectorRegistry(first.settings),
      keyRing: parseKeyRing(testCodecKey),
      log: createLogger('silent'),
      temporalAddress: suiteTemporalAddress(),
      api: false,
      worker: true,
      workflowBundlePath: process.env.TETHER_TEST_WORKFLOW_BUNDLE,
    });
    try {
      await first.stop(); // the worker holding the socket goes away
      const reconnected = await eventually(
        () => second.client.workflow.getHandle(first.workflowId).query(getPlatformConnectionStatusQuery),
        (status) => status.phase === 'CONNECTED' && status.connectionId !== firstConnection,
        20_000,
      );
      expect(reconnected.connectionId).toBeDefined();
      expect((await listConnectors(hub))[0]).toMatchObject({ connected: true, connectionId: reconnected.connectionId });
      const relayed = await fetch(`${hub.url}/connectors/failover/rcf/descriptor`, { headers: hubAdmin });
      expect(relayed.status).toBe(200);
    } finally {
      await second.client.workflow.getHandle(first.workflowId).terminate('test over').catch(() => undefined);
      await second.stop();
      await hub.close();
    }
  });
});
