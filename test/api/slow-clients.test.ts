import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { devDefaults } from '../../src/config/connectors';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { gates, testConnector } from '../spi/test-connector';
import { startTestHub } from '../platform/support';
import { spiAuth, startTestTether, type TestTether } from '../support/tether';

// Tight bounds so the test sees them act; the defaults (10 s headers, 30 s request) work the same way.
const timeouts = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 5_000 };

/** Opens a real socket, sends `chunks` one every `everyMs` until the server closes it; answers what the server sent and whether it closed. */
function dribble(url: string, chunks: string[], everyMs: number): Promise<{ received: string; closedBeforeDone: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (data) => (received += data.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, closedBeforeDone: sent < chunks.length });
    });
    socket.on('connect', () => {
      timer = setInterval(() => {
        if (sent === chunks.length) {
          clearInterval(timer);
          socket.destroy();
          return;
        }
        if (!socket.destroyed) socket.write(chunks[sent++]!);
      }, everyMs);
    });
    socket.setTimeout(30_000, () => reject(new Error('the server kept the socket open')));
  });
}

const slowHeaders = ['GET /rcf/health HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: a\r\n`), '\r\n'];

function slowBody(path: string, auth: string): string[] {
  const body = JSON.stringify({ connectionInstanceId: 'MAIN', inputs: { gate: 'never' } });
  const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  return [head, ...body.split('')];
}

describe('slow clients', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({
      env: {
        TETHER_HTTP_HEADERS_TIMEOUT_MS: String(timeouts.headersTimeoutMs),
        TETHER_HTTP_REQUEST_TIMEOUT_MS: String(timeouts.requestTimeoutMs),
        TETHER_HTTP_KEEP_ALIVE_TIMEOUT_MS: String(timeouts.keepAliveTimeoutMs),
      },
      registry: () => new ConnectorRegistry([...devDefaults(), { definition: testConnector, instances: [{ id: 'MAIN', name: 'Main', settings: { apiKey: 'k' } }] }]),
    });
  });
  afterAll(() => tether.stop());

  it('the API answers 408 and closes a socket whose headers dribble in', async () => {
    const { received, closedBeforeDone } = await dribble(tether.url, slowHeaders, 100);
    expect(closedBeforeDone).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('the API answers 408 and closes a socket whose body dribbles in, before running anything', async () => {
    const { received, closedBeforeDone } = await dribble(tether.url, slowBody('/testing/wait', spiAuth.Authorization), 100);
    expect(closedBeforeDone).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(gates.has('never')).toBe(false);
  });

  it('does not cut a sync action answering after the request timeout', async () => {
    const gate = `slow-answer-${Date.now()}`;
    const answer = fetch(`${tether.url}/testing/wait`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId: 'MAIN', inputs: { gate } }),
    });
    await new Promise((resolve) => setTimeout(resolve, timeouts.requestTimeoutMs * 2.5));
    gates.get(gate)!();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outputs: { opened: true } });
  });

  it('the platform hub closes dribbled headers, and keeps an upgraded WebSocket past the request timeout', async () => {
    const hub = await startTestHub({ httpTimeouts: timeouts, helloTimeoutMs: 10_000 });
    try {
      const { received, closedBeforeDone } = await dribble(hub.url, slowHeaders, 100);
      expect(closedBeforeDone).toBe(true);
      expect(received).toMatch(/^HTTP\/1\.1 408/);

      const socket = new WebSocket(hub.connectUrl);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      await new Promise((resolve) => setTimeout(resolve, timeouts.requestTimeoutMs * 2.5));
      expect(socket.readyState).toBe(WebSocket.OPEN);
      socket.close();
    } finally {
      await hub.close();
    }
  });
});
