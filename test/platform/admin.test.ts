import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatformHub } from '../../src/platform/hub';
import { capturingLogger, connect, hubAdmin, hubAdminToken, hubUserToken, listConnectors, registerConnector, startTestHub } from './support';

describe('platform hub admin API', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(() => hub.close());

  const put = (id: string, body: unknown, headers: Record<string, string> = hubAdmin) =>
    fetch(`${hub.url}/admin/connectors/${id}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('registers a connector and lists it without its secret or hash', async () => {
    const created = await put('plant-7', { secret: 'a-secret-of-sixteen+', privileges: ['myconnector/order_product'] });
    expect(created.status).toBe(201);
    const updated = await put('plant-7', { secret: 'a-secret-of-sixteen+', privileges: ['*'] });
    expect(updated.status).toBe(200);

    const connectors = await listConnectors(hub);
    expect(connectors).toEqual([expect.objectContaining({ id: 'plant-7', privileges: ['*'], connected: false })]);
    const text = JSON.stringify(connectors);
    expect(text).not.toContain('a-secret-of-sixteen+');
    expect(text).not.toContain('scrypt');
  });

  it('keeps only a scrypt hash of the secret on disk', async () => {
    await put('plant-7', { secret: 'a-secret-of-sixteen+', privileges: ['*'] });
    const state = readFileSync(join(hub.dataDir, 'hub-state.json'), 'utf8');
    expect(state).not.toContain('a-secret-of-sixteen+');
    expect(state).toMatch(/"secretHash": "scrypt\$/);
  });

  it('names every bad field of a registration', async () => {
    const response = await put('plant-7', { secret: 'short', privileges: ['not a pattern'] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: Record<string, string[]> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(body.error.details).sort()).toEqual(['privileges.0', 'secret']);
  });

  it('refuses a connector id with characters outside the allowed set', async () => {
    const response = await put('bad%20id', { secret: 'a-secret-of-sixteen+', privileges: [] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^Path is invalid: id: must be 1-128/);
  });

  it('requires the admin token: 401 without credentials, 403 for a platform user', async () => {
    expect((await fetch(`${hub.url}/admin/connectors`)).status).toBe(401);
    expect((await fetch(`${hub.url}/admin/connectors`, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${hub.url}/admin/connectors`, { headers: { Authorization: `Bearer ${hubUserToken}` } })).status).toBe(403);
  });

  it('answers 404 naming the known connectors for an unknown id', async () => {
    await put('plant-7', { secret: 'a-secret-of-sixteen+', privileges: ['*'] });
    const response = await fetch(`${hub.url}/admin/connectors/plant-8`, { headers: hubAdmin });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Connector plant-8 is not registered', details: { known: ['plant-7'] } } });
  });

  it('disconnects a connector whose registration is removed or whose secret changes', async () => {
    await registerConnector(hub, 'plant-7', 'a-secret-of-sixteen+', ['*']);
    const first = await connect(hub, 'plant-7', 'a-secret-of-sixteen+');
    await put('plant-7', { secret: 'another-secret-of-16', privileges: ['*'] });
    expect(await first.link.ended).toEqual({ kind: 'disconnected', code: 4003, reason: 'the connector secret was changed' });
    expect((await connect(hub, 'plant-7', 'a-secret-of-sixteen+')).opening.ok).toBe(false);

    const second = await connect(hub, 'plant-7', 'another-secret-of-16');
    expect((await fetch(`${hub.url}/admin/connectors/plant-7`, { method: 'DELETE', headers: hubAdmin })).status).toBe(204);
    expect((await second.link.ended).kind).toBe('disconnected');
    expect(await listConnectors(hub)).toEqual([]);
  });

  it('keeps registered connectors across a restart of the hub', async () => {
    await registerConnector(hub, 'plant-7', 'a-secret-of-sixteen+', ['myconnector/*']);
    await hub.close();
    const { log } = capturingLogger();
    const restarted = await startPlatformHub({ port: 0, host: '127.0.0.1', dataDir: hub.dataDir, adminToken: hubAdminToken, log });
    try {
      const connectors = await listConnectors(restarted);
      expect(connectors).toEqual([expect.objectContaining({ id: 'plant-7', privileges: ['myconnector/*'] })]);
      const { opening, link } = await connect(restarted, 'plant-7', 'a-secret-of-sixteen+');
      expect(opening.ok).toBe(true);
      link.close();
    } finally {
      await restarted.close();
      hub = await startTestHub(); // afterEach closes this one
    }
  });
});
