import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActionRequest } from '../../src/contracts/action';
import { httpConnector } from '../../src/connectors/http';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { AesGcmPayloadCodec, parseKeyRing } from '../../src/temporal/codec';
import { startTestTether, suiteTemporalAddress, testCodecKey, type TestTether } from '../support/tether';

/**
 * Whoever reaches Temporal's frontend without the codec key — the dev server and the compose topology have no
 * authentication on it; a behaviour where namespaces are refused relies on a JavaScript guard — must not run
 * actions with a connection instance's secrets. Every payload Tether writes is sealed with AES-GCM under
 * TETHER_CODEC_KEY, so a plain one was written without the key: the worker refuses it instead of running it.
 */

const TARGET_TOKEN = 'target-bearer-secret-0123456789';

describe('a client on the Temporal frontend without the codec key', () => {
  let tether: TestTether;
  let target: Server;
  const seen: string[] = [];
  let connection: Connection;

  beforeAll(async () => {
    target = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    tether = await startTestTether({
      registry: () =>
        new ConnectorRegistry([
          { definition: httpConnector, instances: [{ id: 'TARGET', name: 'Target', settings: httpConnector.settings.parse({ baseUrl, auth: { type: 'bearer', token: TARGET_TOKEN } }) }] },
        ]),
    });
    connection = await Connection.connect({ address: suiteTemporalAddress() });
  });
  afterAll(async () => {
    await connection.close();
    await tether.stop();
    await new Promise((resolve) => target.close(resolve));
  });

  it("cannot start an action with plain JSON input: the worker refuses it, and the target never sees the instance's token", async () => {
    const attacker = new Client({ connection });
    const request: ActionRequest = {
      connectorPath: 'http',
      actionPath: 'request',
      actionName: 'request',
      connectionInstanceId: 'TARGET',
      inputs: { method: 'DELETE', path: '/orders/all' },
      policy: { timeoutSeconds: 10, maximumAttempts: 1, initialRetrySeconds: 1, mode: 'local' },
    };
    const handle = await attacker.workflow.start('executeAction', {
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      workflowId: `action/http/request/attacker-${randomUUID()}`,
      args: [request],
    });
    try {
      // Long enough for the worker (polling this queue) to have taken the task and run the action several times over.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(seen).toEqual([]);
      const history = await handle.fetchHistory();
      const failedTask = history.events!.find((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
      // Failure messages are sealed too: open the task failure's with the key to read why.
      const [attributes] = await new AesGcmPayloadCodec(parseKeyRing(testCodecKey)).decode([failedTask!.failure!.encodedAttributes!]);
      expect(defaultPayloadConverter.fromPayload<{ message: string }>(attributes!).message).toContain('Refused an unencrypted payload (encoding json/plain)');
      expect(history.events!.some((event) => event.activityTaskScheduledEventAttributes || event.markerRecordedEventAttributes)).toBe(false);
    } finally {
      await handle.terminate('attack test done').catch(() => undefined);
    }
  });
});
