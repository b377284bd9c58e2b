import WebSocket from 'ws';
import { CloseCode } from '../../src/platform/frames';
import { connect, registerConnector, startTestHub } from './support';

const secret = 'plant-7-secret-0123456789';

/** Opens a raw socket, sends `frames`, and answers the close code and reason the hub chose. */
async function closeAfter(url: string, ...frames: Array<string | Buffer>): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  await new Promise((resolve) => ws.once('open', resolve));
  for (const frame of frames) ws.send(frame);
  return closed;
}

describe('frames the hub refuses', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub({ maxFrameBytes: 64 * 1024, helloTimeoutMs: 300 });
    await registerConnector(hub, 'plant-7', secret, ['*']);
  });
  afterEach(() => hub.close());

  it('closes a connection that sends something other than JSON with 1008', async () => {
    expect(await closeAfter(hub.connectUrl, 'hello there')).toEqual({ code: CloseCode.malformedFrame, reason: 'malformed frame: not JSON' });
  });

  it('closes a connection whose first frame is not a valid hello with 1008 naming the field', async () => {
    expect(await closeAfter(hub.connectUrl, JSON.stringify({ type: 'hello', connectorId: 'plant-7' }))).toEqual({
      code: CloseCode.malformedFrame,
      reason: expect.stringMatching(/^malformed frame: secret /),
    });
    expect(await closeAfter(hub.connectUrl, JSON.stringify({ type: 'response', requestId: 'x', response: { status: 200 } }))).toEqual({
      code: CloseCode.malformedFrame,
      reason: 'unexpected response frame while awaiting-hello',
    });
  });

  it('closes a connection that sends an oversized frame with 1009', async () => {
    expect((await closeAfter(hub.connectUrl, 'x'.repeat(65 * 1024))).code).toBe(CloseCode.frameTooLarge);
  });

  it('closes a connection that sends binary frames with 1003', async () => {
    expect((await closeAfter(hub.connectUrl, Buffer.from([1, 2, 3]))).code).toBe(CloseCode.unsupportedData);
  });

  it('closes a connection that never says hello with 4008', async () => {
    expect(await closeAfter(hub.connectUrl)).toEqual({ code: CloseCode.helloTimeout, reason: 'no hello frame within 300 ms' });
  });

  it('closes only the offending connection: an authenticated connector that sends garbage is dropped, others keep working', async () => {
    await registerConnector(hub, 'plant-8', secret, ['*']);
    const healthy = await connect(hub, 'plant-8', secret);
    const ws = new WebSocket(hub.connectUrl);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'hello', connectorId: 'plant-7', secret }));
    await new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'response', requestId: 'x' }));
    expect(await closed).toBe(CloseCode.malformedFrame);
    const response = await fetch(`${hub.url}/connectors/plant-8/rcf/health`, { headers: { Authorization: 'Bearer hub-admin-token-0123456789' } });
    expect(await response.text()).toBe('OK');
    healthy.link.close();
  });

  it('answers 413 for a relayed body over the limit instead of sending an oversized frame', async () => {
    const { link } = await connect(hub, 'plant-7', secret);
    const small = await startTestHub({ bodyLimitBytes: 1024, dataDir: hub.dataDir });
    try {
      const response = await fetch(`${small.url}/connectors/plant-7/myconnector/x`, {
        method: 'POST',
        headers: { Authorization: 'Bearer hub-admin-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(2048) }),
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
      link.close();
    }
  });
});
