import type { BehaviourBundle, CurrentBehaviour } from '../../src/contracts/behaviours';
import type { BehaviourLinkHandlers } from '../../src/platform/link';
import { openPlatformLink } from '../../src/platform/link';
import { capturingLogger, echoHandler, eventually, hubAdmin, registerConnector, startTestHub } from './support';

const secret = 'plant-9-secret-0123456789';

/** A connector link that records what the hub announces and keeps the fetch it was handed. */
async function behaviourLink(hub: Awaited<ReturnType<typeof startTestHub>>) {
  const announced: CurrentBehaviour[] = [];
  let fetchBundle!: (tenant: string, environment: string, version: string) => Promise<BehaviourBundle>;
  const behaviours: BehaviourLinkHandlers = {
    announce: (current, fetch) => {
      announced.push(...current);
      fetchBundle = fetch;
    },
    call: async (call) => ({ status: 200, body: { output: { echoed: call } } }),
  };
  const { log } = capturingLogger();
  const opening = await openPlatformLink({ url: hub.connectUrl, connectorId: 'plant-9', secret, handler: echoHandler, behaviours, log });
  if (!opening.ok) throw new Error(`link refused: ${JSON.stringify(opening.end)}`);
  return { link: opening.link, announced, fetch: (tenant: string, environment: string, version: string) => fetchBundle(tenant, environment, version) };
}

const put = (hub: Awaited<ReturnType<typeof startTestHub>>, scope: string, files: Record<string, string>) =>
  fetch(`${hub.url}/admin/behaviours/${scope}`, { method: 'PUT', headers: { ...hubAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ files }) }).then(
    async (response) => ({ status: response.status, body: (await response.json()) as { version: string } }),
  );

describe('the hub side of behaviours, over a real socket', () => {
  it('announces only the tenants and environments a connector may run, serves their files, refuses the others, and keeps versions across a restart', async () => {
    let hub = await startTestHub();
    await registerConnector(hub, 'plant-9', secret, ['behaviours:acme/prod']);
    const mine = await put(hub, 'acme/prod', { 'index.ts': 'export const a = async () => 1;' });
    const other = await put(hub, 'globex/prod', { 'index.ts': 'export const b = async () => 2;' });
    expect([mine.status, other.status]).toEqual([201, 201]);

    const connector = await behaviourLink(hub);
    // On welcome: the current version of every scope it may run, and no other.
    await eventually(() => connector.announced, (list) => list.length === 1);
    expect(connector.announced).toEqual([{ tenant: 'acme', environment: 'prod', version: mine.body.version }]);
    expect(await connector.fetch('acme', 'prod', mine.body.version)).toMatchObject({ version: mine.body.version, entry: 'index.ts', files: { 'index.ts': 'export const a = async () => 1;' } });
    await expect(connector.fetch('globex', 'prod', other.body.version)).rejects.toThrow('No privilege behaviours:globex/prod');

    // A deploy elsewhere is not announced; one in its scope is, before the PUT answers.
    await put(hub, 'globex/prod', { 'index.ts': 'export const b = async () => 3;' });
    const next = await put(hub, 'acme/prod', { 'index.ts': 'export const a = async () => 4;' });
    await eventually(() => connector.announced, (list) => list.length === 2);
    expect(connector.announced[1]).toEqual({ tenant: 'acme', environment: 'prod', version: next.body.version });

    // Calls are relayed with the Idempotency-Key; a connector without the privilege is refused before the relay.
    const call = await fetch(`${hub.url}/connectors/plant-9/behaviours/acme/prod/a`, { method: 'POST', headers: { ...hubAdmin, 'content-type': 'application/json', 'Idempotency-Key': 'k-1' }, body: '{"input":{"x":1}}' });
    expect(await call.json()).toEqual({ output: { echoed: { tenant: 'acme', environment: 'prod', name: 'a', input: { x: 1 }, idempotencyKey: 'k-1' } } });
    expect((await fetch(`${hub.url}/connectors/plant-9/behaviours/globex/prod/b`, { method: 'POST', headers: hubAdmin })).status).toBe(403);
    expect((await fetch(`${hub.url}/connectors/plant-9/behaviours/acme/prod/not-an-identifier`, { method: 'POST', headers: hubAdmin })).status).toBe(400);
    connector.link.close();

    // Versions are immutable files in the hub's data dir: a restarted hub has them all, and the current one.
    const { dataDir } = hub;
    await hub.close();
    hub = await startTestHub({ dataDir });
    try {
      const listed = await (await fetch(`${hub.url}/admin/behaviours/acme/prod`, { headers: hubAdmin })).json();
      expect(listed).toMatchObject({ current: next.body.version, versions: [{ version: mine.body.version }, { version: next.body.version }] });
      const rollback = await fetch(`${hub.url}/admin/behaviours/acme/prod/rollback`, { method: 'POST', headers: { ...hubAdmin, 'content-type': 'application/json' }, body: JSON.stringify({ version: '0123456789abcdef' }) });
      expect(rollback.status).toBe(404);
      expect(((await rollback.json()) as { error: { details: { known: string[] } } }).error.details.known).toEqual([mine.body.version, next.body.version]);
    } finally {
      await hub.close();
    }
  });
});
