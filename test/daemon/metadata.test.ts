import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { GroupDefinitions } from '../../src/activities/daemon-metadata';
import { adminAuth, testCredentials, type TestTether } from '../support/tether';
import { startDaemonTether, unique } from './support';

/** A real HTTP hop in front of the Tether that records each exchange; `withoutEtags` plays a metadata server that has none. */
async function startRecordingProxy(target: string, { withoutEtags = false } = {}) {
  const exchanges: { ifNoneMatch: string | undefined; status: number; bytes: number }[] = [];
  const server: Server = createServer((req, res) => {
    const ifNoneMatch = withoutEtags ? undefined : req.headers['if-none-match'];
    const headers: Record<string, string> = { authorization: req.headers.authorization ?? '', ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) };
    void fetch(`${target}${req.url}`, { headers }).then(async (answer) => {
      const body = Buffer.from(await answer.arrayBuffer());
      exchanges.push({ ifNoneMatch: req.headers['if-none-match'], status: answer.status, bytes: body.length });
      const etag = answer.headers.get('etag');
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(etag && !withoutEtags ? { etag } : {}) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('metadata service: integration group definitions', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startDaemonTether();
  });
  afterAll(() => tether.stop());

  const groups = (server: string) => `/metadata/servers/${server}/integration-groups`;
  const connector = { connectorName: 'poller', connectorType: 'tether.http-poll', configuration: { url: 'http://127.0.0.1:9/x' }, refreshIntervalSeconds: 5 };

  it('creates, replaces, reads, lists and deletes definitions, filling the default restart policy', async () => {
    const server = unique('md');
    expect((await request(tether.url).get(groups(server)).set(adminAuth)).body).toEqual({ groups: [] });

    const created = await request(tether.url).put(`${groups(server)}/sales.group`).set(adminAuth).send({ connectors: [connector] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      qualifiedName: 'sales.group',
      definition: { connectors: [{ ...connector, restartPolicy: { initialIntervalSeconds: 1, coefficient: 2, maximumIntervalSeconds: 600 } }] },
    });

    const replaced = await request(tether.url).put(`${groups(server)}/sales.group`).set(adminAuth).send({ connectors: [] });
    expect(replaced.status).toBe(200);
    const read = await request(tether.url).get(`${groups(server)}/sales.group`).set(adminAuth).expect(200);
    expect(read.body.definition).toEqual({ connectors: [] });
    const listed = await request(tether.url).get(groups(server)).set(adminAuth).expect(200);
    expect(listed.body.groups.map((g: { qualifiedName: string }) => g.qualifiedName)).toEqual(['sales.group']);

    await request(tether.url).delete(`${groups(server)}/sales.group`).set(adminAuth).expect(200, { qualifiedName: 'sales.group', deleted: true });
    const gone = await request(tether.url).get(`${groups(server)}/sales.group`).set(adminAuth);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(`Integration group sales.group is not defined on metadata server ${server}`);
    expect((await request(tether.url).delete(`${groups(server)}/sales.group`).set(adminAuth)).status).toBe(404);
  });

  it('refuses an invalid definition with 400 naming each field', async () => {
    const server = unique('md');
    const response = await request(tether.url)
      .put(`${groups(server)}/g`)
      .set(adminAuth)
      .send({ connectors: [{ ...connector, refreshIntervalSeconds: 0 }, { ...connector, restartPolicy: { coefficient: 0.5 } }] });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.details)).toEqual(['connectors.0.refreshIntervalSeconds', 'connectors.1.restartPolicy.coefficient', 'connectors.1.connectorName']);
    expect(response.body.error.details['connectors.1.connectorName']).toEqual(['connectorName poller is used twice in this group']);
    expect((await request(tether.url).get(groups(server)).set(adminAuth)).body.groups).toEqual([]);
  });

  it('answers a definition with an ETag and a matching If-None-Match with 304 and no body, until the definition changes', async () => {
    const server = unique('md');
    const path = `${groups(server)}/etag.group`;
    await request(tether.url).put(path).set(adminAuth).send({ connectors: [connector] }).expect(201);
    const first = await request(tether.url).get(path).set(adminAuth).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await request(tether.url).get(path).set(adminAuth).set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBeFalsy();
    expect(again.headers['content-length'] ?? '0').toBe('0');
    // Another version's ETag, or a list holding the current one, is compared like any HTTP cache would.
    expect((await request(tether.url).get(path).set(adminAuth).set('If-None-Match', 'W/"other"')).status).toBe(200);
    expect((await request(tether.url).get(path).set(adminAuth).set('If-None-Match', `W/"other", ${etag}`)).status).toBe(304);

    // Two puts in a row (possibly in one workflow task) still give two versions.
    await request(tether.url).put(path).set(adminAuth).send({ connectors: [] }).expect(200);
    const between = (await request(tether.url).get(path).set(adminAuth).expect(200)).headers.etag as string;
    await request(tether.url).put(path).set(adminAuth).send({ connectors: [{ ...connector, connectorName: 'other' }] }).expect(200);
    const changed = await request(tether.url).get(path).set(adminAuth).set('If-None-Match', etag).expect(200);
    expect(changed.body.definition.connectors.map((c: { connectorName: string }) => c.connectorName)).toEqual(['other']);
    expect(new Set([etag, between, changed.headers.etag]).size).toBe(3);
    expect((await request(tether.url).get(path).set(adminAuth).set('If-None-Match', changed.headers.etag as string)).status).toBe(304);

    await request(tether.url).delete(path).set(adminAuth).expect(200);
    expect((await request(tether.url).get(path).set(adminAuth).set('If-None-Match', changed.headers.etag as string)).status).toBe(404);
  });

  it("the daemon's reader sends If-None-Match and takes 304 as unchanged; without ETags it reads the whole definition as before", async () => {
    const server = unique('md');
    for (const withoutEtags of [false, true]) {
      await request(tether.url).put(`${groups(server)}/read.group`).set(adminAuth).send({ connectors: [connector] });
      const proxy = await startRecordingProxy(tether.url, { withoutEtags });
      try {
        const definitions = new GroupDefinitions(testCredentials);
        const group = { class: 'IntegrationGroupConfig' as const, omagserverPlatformRootURL: proxy.url, omagserverName: server, integrationGroupQualifiedName: 'read.group' };
        const found = await definitions.read({ group, knownDigest: null });
        expect(found).toMatchObject({ outcome: 'found', connectors: [['poller', expect.any(String)]] });
        const digest = (found as { digest: string }).digest;
        expect(await definitions.read({ group, knownDigest: digest })).toEqual({ outcome: 'unchanged' });
        if (withoutEtags) {
          expect(proxy.exchanges.map((e) => [e.ifNoneMatch, e.status])).toEqual([[undefined, 200], [undefined, 200]]);
        } else {
          expect(proxy.exchanges.map((e) => [e.ifNoneMatch === undefined, e.status, e.bytes])).toEqual([[true, 200, expect.any(Number)], [false, 304, 0]]);
        }
        // A changed definition is read in full, whatever ETag the reader held.
        await request(tether.url).put(`${groups(server)}/read.group`).set(adminAuth).send({ connectors: [{ ...connector, connectorName: 'renamed' }] }).expect(200);
        expect(await definitions.read({ group, knownDigest: digest })).toMatchObject({ outcome: 'found', connectors: [['renamed', expect.any(String)]] });
        expect(proxy.exchanges.at(-1)).toMatchObject({ status: 200 });
      } finally {
        await proxy.close();
      }
    }
  });

  it('requires the admin token', async () => {
    expect((await request(tether.url).get(groups('x'))).status).toBe(401);
  });
});
