import request from 'supertest';
import { daemonApi, startDaemonTether, unique } from './support';
import type { TestTether } from '../support/tether';

describe('integration daemon admin services (Egeria envelopes)', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startDaemonTether();
  });
  afterAll(() => tether.stop());

  it('adds, replaces, lists and removes integration groups', async () => {
    const api = daemonApi(tether, unique('daemon'));
    expect((await api.configuration()).body).toEqual({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 200, groups: [] });

    const first = api.groupConfig('group.one', 'md1');
    const response = await api.configure(first);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ class: 'VoidResponse', relatedHTTPCode: 200 });

    // Same qualified name: replaced, not added twice.
    const replaced = { ...first, omagserverName: 'md2' };
    await api.configure(replaced).expect(200);
    await api.configure(api.groupConfig('group.two', 'md1')).expect(200);
    const listed = await api.configuration();
    expect(listed.body.class).toBe('IntegrationGroupsResponse');
    expect(listed.body.groups).toEqual([replaced, api.groupConfig('group.two', 'md1')]);

    await api.remove('group.one').expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups.map((g: { integrationGroupQualifiedName: string }) => g.integrationGroupQualifiedName)).toEqual(['group.two']);

    await api.configureAll([api.groupConfig('group.three', 'md1'), api.groupConfig('group.four', 'md1')]).expect(200);
    expect((await api.configuration()).body.groups.map((g: { integrationGroupQualifiedName: string }) => g.integrationGroupQualifiedName)).toEqual(['group.three', 'group.four']);

    await api.removeAll().expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups).toEqual([]);
  });

  it('refuses a missing or wrong class and a missing qualified name with 400 naming the field', async () => {
    const api = daemonApi(tether, unique('daemon'));
    const valid = api.groupConfig('group.one', 'md1');

    const noClass = await api.configure({ ...valid, class: undefined });
    expect(noClass.status).toBe(400);
    expect(noClass.body).toMatchObject({ class: 'VoidResponse', relatedHTTPCode: 400 });
    expect(noClass.body.exceptionErrorMessage).toContain('class');

    const wrongClass = await api.configure({ ...valid, class: 'SomethingElse' });
    expect(wrongClass.status).toBe(400);
    expect(wrongClass.body.exceptionErrorMessage).toContain('class must be "IntegrationGroupConfig"');

    const noName = await api.configure({ ...valid, integrationGroupQualifiedName: undefined });
    expect(noName.status).toBe(400);
    expect(noName.body.exceptionErrorMessage).toContain('integrationGroupQualifiedName');
    expect(noName.body.exceptionProperties).toHaveProperty('integrationGroupQualifiedName');

    const inList = await api.configureAll([valid, { ...valid, integrationGroupQualifiedName: '' }]);
    expect(inList.status).toBe(400);
    expect(inList.body.exceptionErrorMessage).toContain('1.integrationGroupQualifiedName');

    expect((await api.configuration()).body.groups).toEqual([]);
  });

  it('answers 404 for removing a group that is not configured, and ignores unknown properties', async () => {
    const serverName = unique('daemon');
    const api = daemonApi(tether, serverName);
    const missing = await api.remove('nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ class: 'VoidResponse', relatedHTTPCode: 404 });

    await api.configure({ ...api.groupConfig('g', 'md1'), permittedSynchronization: 'BOTH_DIRECTIONS' }).expect(200);
    expect((await api.configuration()).body.groups).toEqual([api.groupConfig('g', 'md1')]);
    const stillMissing = await api.remove('nope');
    expect(stillMissing.status).toBe(404);
    expect(stillMissing.body.exceptionErrorMessage).toBe(`Integration group nope is not configured on server ${serverName}`);
    await api.removeAll().expect(200);
  });

  it('requires the admin token', async () => {
    const response = await request(tether.url).get('/open-metadata/admin-services/servers/x/integration-groups/configuration');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 401 });
  });
});
