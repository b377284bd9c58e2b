import request from 'supertest';
import { adminAuth, type TestTether } from '../support/tether';
import { startDaemonTether, unique } from './support';

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

  it('requires the admin token', async () => {
    expect((await request(tether.url).get(groups('x'))).status).toBe(401);
  });
});
