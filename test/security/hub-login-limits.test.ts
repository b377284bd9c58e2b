import WebSocket from 'ws';
import { CloseCode } from '../../src/platform/frames';
import { openPlatformLink } from '../../src/platform/link';
import { addressKey, LoginLimiter } from '../../src/platform/login-limiter';
import { capturingLogger, echoHandler, registerConnector, startTestHub } from '../platform/support';

/**
 * Wrong connector secrets are limited per remote address and per id before the secret is checked, and never
 * queue in front of the real connector's login. Linux routes all of 127.0.0.0/8 to loopback, so the
 * attackers here dial from 127.0.0.2 and 127.0.0.3 while the real connector dials from 127.0.0.1.
 */

/** One raw login attempt from `localAddress`; answers the hub's close code. */
function hello(url: string, connectorId: string, secret: string, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress, headers });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', connectorId, secret })));
    ws.on('message', () => ws.close());
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

/** The real connector's login, patient with a loaded machine (the support helper's 1 s heartbeat is not). */
async function connect(hub: { connectUrl: string }, connectorId: string, secret: string) {
  const opening = await openPlatformLink({ url: hub.connectUrl, connectorId, secret, handler: echoHandler, log: capturingLogger().log, pingIntervalMs: 30_000 });
  return { opening, link: opening.ok ? opening.link : { close: () => undefined } };
}

const count = (codes: number[], code: number) => codes.filter((c) => c === code).length;

async function metric(url: string, reason: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`tether_hub_connector_refusals_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('hub connector login limits', () => {
  const limits = { attemptsPerAddress: 10, attemptsPerId: 15, windowSeconds: 60 };
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub({ loginLimits: limits });
  });
  afterEach(() => hub.close());

  it('checks at most the limit of wrong secrets per address and per id, and still welcomes the real connector during the attack', async () => {
    await registerConnector(hub, 'victim', 'the-real-secret-0123', ['*']);
    // The real connector has logged in from its address before.
    const first = await connect(hub, 'victim', 'the-real-secret-0123');
    expect(first.opening.ok).toBe(true);
    first.link.close();

    // 200 wrong secrets at once from one address, while the real connector logs in again.
    const started = Date.now();
    const attack = Promise.all(Array.from({ length: 200 }, () => hello(hub.connectUrl, 'victim', 'guessed-secret-0000', '127.0.0.2')));
    const real = await connect(hub, 'victim', 'the-real-secret-0123');
    const realMs = Date.now() - started;
    const fromOneAddress = await attack;
    expect(real.opening.ok ? { ok: true } : real.opening).toEqual({ ok: true });
    // Only the address's 10 attempts were checked (and refused for good); the other 190 were turned away unchecked, to retry later.
    expect(count(fromOneAddress, CloseCode.refused)).toBe(limits.attemptsPerAddress);
    expect(count(fromOneAddress, CloseCode.tooManyAttempts)).toBe(200 - limits.attemptsPerAddress);

    // A second address gets the id's remaining 5 checks, then the id is closed to new addresses...
    const fromAnother = await Promise.all(Array.from({ length: 20 }, () => hello(hub.connectUrl, 'victim', 'guessed-secret-0001', '127.0.0.3')));
    expect(count(fromAnother, CloseCode.refused)).toBe(limits.attemptsPerId - limits.attemptsPerAddress);
    expect(count(fromAnother, CloseCode.tooManyAttempts)).toBe(20 - (limits.attemptsPerId - limits.attemptsPerAddress));
    // ...but not to the address the real connector logs in from.
    real.link.close();
    const again = await connect(hub, 'victim', 'the-real-secret-0123');
    expect(again.opening.ok).toBe(true);
    again.link.close();

    // Every refusal is counted.
    expect(await metric(hub.url, 'wrong_secret')).toBe(limits.attemptsPerId);
    expect(await metric(hub.url, 'address_rate_limited')).toBe(200 - limits.attemptsPerAddress);
    expect(await metric(hub.url, 'id_rate_limited')).toBe(20 - (limits.attemptsPerId - limits.attemptsPerAddress));
    console.log(`hub login under attack: real connector welcomed ${realMs} ms after 200 wrong hellos started (${limits.attemptsPerAddress} checked)`);
  });

  it('counts the socket address, whatever X-Forwarded-For or X-Real-IP the attacker claims', async () => {
    await registerConnector(hub, 'victim', 'the-real-secret-0123', ['*']);
    const spoofed = await Promise.all(
      Array.from({ length: 30 }, (_, n) => hello(hub.connectUrl, `id-${n}`, 'guessed-secret-0000', '127.0.0.4', { 'X-Forwarded-For': `198.51.100.${n}`, 'X-Real-IP': `203.0.113.${n}`, Forwarded: `for=192.0.2.${n}` })),
    );
    expect(count(spoofed, CloseCode.refused)).toBe(limits.attemptsPerAddress);
    expect(count(spoofed, CloseCode.tooManyAttempts)).toBe(30 - limits.attemptsPerAddress);
  });

  it('counts refused HTTP calls', async () => {
    await fetch(`${hub.url}/admin/connectors`);
    await fetch(`${hub.url}/admin/connectors`, { headers: { authorization: 'Bearer wrong' } });
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toContain('tether_hub_http_refusals_total{status="401"} 2');
  });

  it('a rate-limited connector retries instead of giving up: tooManyAttempts is not a refusal', async () => {
    await registerConnector(hub, 'plant', 'the-real-secret-0123', ['*']);
    await Promise.all(Array.from({ length: limits.attemptsPerAddress }, () => hello(hub.connectUrl, 'other', 'guessed-secret-0000', '127.0.0.1')));
    const limited = await connect(hub, 'plant', 'the-real-secret-0123');
    expect(limited.opening).toMatchObject({ ok: false, end: { kind: 'disconnected', code: CloseCode.tooManyAttempts } });
  });
});

describe('the address a login limit counts', () => {
  it('counts an IPv6 /64 as one address (its 2^64 addresses would each get the whole limit), and IPv4-mapped as IPv4', async () => {
    const limiter = new LoginLimiter({ attemptsPerAddress: 3, attemptsPerId: 100, windowSeconds: 60 });
    const fromOnePrefix = ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:0db8:0001:0002:abcd:0:0:1', '2001:db8:1:2::7%eth0'];
    const outcomes = [];
    for (const [n, address] of fromOnePrefix.entries()) outcomes.push(await limiter.admit(`id-${n}`, address));
    expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', 'address-limited']);
    expect(await limiter.admit('id-x', '2001:db8:1:3::1')).toBe('admitted');
    for (const n of [1, 2, 3]) await limiter.admit(`v4-${n}`, '::ffff:192.0.2.7');
    expect(await limiter.admit('v4-4', '192.0.2.7')).toBe('address-limited');
    expect([addressKey('::1'), addressKey('fe80::1%lo'), addressKey('203.0.113.9')]).toEqual(['0:0:0:0::/64', 'fe80:0:0:0::/64', '203.0.113.9']);
  });
});
