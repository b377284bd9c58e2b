import WebSocket from 'ws';
import { supersededNotice } from '../../src/platform/frames';
import { openPlatformLink } from '../../src/platform/link';
import { capturingLogger, connect, eventually, listConnectors, registerConnector, startTestHub } from './support';

const secret = 'plant-7-secret-0123456789';

describe('connectors dialling the platform hub', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub({ heartbeatMs: 200 });
    await registerConnector(hub, 'plant-7', secret, ['*']);
  });
  afterEach(() => hub.close());

  it('welcomes a connector with the right secret and shows its connection', async () => {
    const { opening, link, lines } = await connect(hub, 'plant-7', secret);
    expect(opening.ok).toBe(true);
    const [entry] = await listConnectors(hub);
    expect(entry).toMatchObject({ id: 'plant-7', connected: true, connectionId: link.connectionId, remoteAddress: expect.stringContaining('127.0.0.1') });
    expect(Date.parse(String(entry!.since))).toBeGreaterThan(Date.now() - 5_000);
    expect(lines.map((line) => line.msg)).not.toContain(supersededNotice);
    link.close();
    await eventually(() => listConnectors(hub), ([e]) => e?.connected === false);
  });

  it('refuses a wrong secret and an unknown id as terminal, without logging the secret', async () => {
    const wrong = await connect(hub, 'plant-7', 'not-the-secret-0123456789');
    expect(wrong.opening).toEqual({ ok: false, end: { kind: 'refused', reason: 'connector id or secret refused' } });
    const unknown = await connect(hub, 'plant-8', secret);
    expect(unknown.opening).toEqual({ ok: false, end: { kind: 'refused', reason: 'connector id or secret refused' } });
    const hubLog = JSON.stringify(hub.lines);
    expect(hubLog).toContain('connector id or secret refused');
    expect(hubLog).not.toContain('not-the-secret');
    expect(hubLog).not.toContain(secret);
  });

  it('supersedes the earlier connection when a second one authenticates with the same id', async () => {
    const first = await connect(hub, 'plant-7', secret);
    const second = await connect(hub, 'plant-7', secret);
    expect(second.opening.ok).toBe(true);

    const firstEnd = await first.link.ended;
    expect(firstEnd.kind).toBe('superseded');
    expect(second.lines).toContainEqual(expect.objectContaining({ level: 40, msg: supersededNotice }));
    const [entry] = await listConnectors(hub);
    expect(entry).toMatchObject({ connected: true, connectionId: second.link.connectionId });
    second.link.close();
  });

  it('ends concurrent connects with one id with exactly one active connection', async () => {
    const attempts = await Promise.all(Array.from({ length: 6 }, () => connect(hub, 'plant-7', secret)));
    expect(attempts.every((attempt) => attempt.opening.ok)).toBe(true);
    const ends = await Promise.all(attempts.map((attempt) => Promise.race([attempt.link.ended, new Promise((r) => setTimeout(() => r('open'), 500))])));
    const stillOpen = attempts.filter((_, index) => ends[index] === 'open');
    expect(stillOpen).toHaveLength(1);
    expect(ends.filter((end) => (end as { kind?: string }).kind === 'superseded')).toHaveLength(5);
    const [entry] = await listConnectors(hub);
    expect(entry).toMatchObject({ connected: true, connectionId: stillOpen[0]!.link.connectionId });
    stillOpen[0]!.link.close();
  });

  it('drops a socket that stops answering heartbeats', async () => {
    // Pongs by hand until welcomed (a slow login must not lose the race with the 200 ms heartbeat), then falls silent.
    const ws = new WebSocket(hub.connectUrl, { autoPong: false });
    let welcomed = false;
    ws.on('ping', () => welcomed || ws.pong());
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'hello', connectorId: 'plant-7', secret }));
    await new Promise((resolve) => ws.once('message', resolve));
    welcomed = true;
    expect((await listConnectors(hub))[0]).toMatchObject({ connected: true });
    expect(await closed).toBe(1006);
    await eventually(() => listConnectors(hub), ([entry]) => entry?.connected === false);
  });

  it('tells connectors the hub went away, so they reconnect rather than stop', async () => {
    const { link } = await connect(hub, 'plant-7', secret);
    await hub.close();
    expect(await link.ended).toEqual({ kind: 'disconnected', code: 1001, reason: 'platform hub stopping' });
    hub = await startTestHub(); // afterEach closes this one
  });

  it('reports an unreachable hub as a disconnection naming the cause', async () => {
    const dataDir = hub.dataDir;
    const url = hub.connectUrl;
    await hub.close();
    hub = await startTestHub({ dataDir });
    const { log } = capturingLogger();
    const opening = await openPlatformLink({ url, connectorId: 'plant-7', secret, handler: async () => ({ status: 200, body: null }), log });
    expect(opening).toEqual({ ok: false, end: { kind: 'disconnected', code: 1006, reason: expect.stringContaining('ECONNREFUSED') } });
  });
});
