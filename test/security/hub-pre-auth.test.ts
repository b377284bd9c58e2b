import WebSocket from 'ws';
import { connect, registerConnector, startTestHub } from '../platform/support';

/**
 * Before a socket has said who it is, the hub holds as little of it as possible. Frames may be 2 MiB (relayed
 * answers), and ws buffers a message until it is complete: without a bound before the hello, every anonymous
 * socket could make the hub hold up to 2 MiB for the hello timeout (10 s), and a few hundred of them its memory.
 */

const secret = 'plant-7-secret-0123456789';

async function metric(hubUrl: string, reason: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return Number(new RegExp(`tether_hub_connector_refusals_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

describe('the hub before the hello', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeAll(async () => {
    // A long hello timeout, so only the byte bound can close these sockets within the test.
    hub = await startTestHub({ helloTimeoutMs: 30_000 });
    await registerConnector(hub, 'plant-7', secret, ['*']);
  });
  afterAll(() => hub.close());

  it('drops an anonymous socket that sends more than 64 KiB before its hello is answered, without waiting for the message to end', async () => {
    const sockets = Array.from({ length: 20 }, () => new WebSocket(hub.connectUrl));
    const closes = sockets.map((ws) => {
      ws.on('error', () => undefined);
      return new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    });
    await Promise.all(sockets.map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    // One fragment of a message that never ends (fin: false): ws would keep it until the whole message arrived.
    for (const ws of sockets) ws.send('x'.repeat(1024 * 1024), { fin: false });
    const closedWithin = await Promise.race([Promise.all(closes).then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 5_000))]);
    expect(closedWithin).toBe('closed');
    expect(await metric(hub.url, 'oversized_hello')).toBe(20);
  });

  it('still admits a connector, whose hello is small, and then lets frames up to the frame limit through', async () => {
    const { opening, link } = await connect(hub, 'plant-7', secret);
    expect(opening.ok).toBe(true);
    await link.close();
  });
});
