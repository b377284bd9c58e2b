/**
 * Conformance of the admin services with Egeria 5, derived from odpi/egeria:
 * - paths and operations: open-metadata-implementation/admin-services/admin-services-spring/…/ConfigIntegrationGroupsResource.java
 *   (4.x form `/open-metadata/admin-services/users/{userId}/servers/{serverName}`; Egeria 5 drops `/users/{userId}`);
 * - envelope: open-metadata-implementation/common-services/ffdc-services/…/rest/FFDCResponseBase.java (HTTP 200,
 *   relatedHTTPCode, exceptionClassName, exceptionErrorMessageId, exceptionSystemAction, exceptionUserAction,
 *   exceptionProperties; Jackson NON_NULL leaves absent values out);
 * - exception classes: org.odpi.openmetadata.adminservices.ffdc.exception.OMAG*Exception (the resource's javadoc).
 */
import request from 'supertest';
import { adminAuth } from '../support/tether';
import type { TestTether } from '../support/tether';
import { adminPath, daemonApi, startDaemonTether, unique } from './support';

const omagInvalidParameter = 'org.odpi.openmetadata.adminservices.ffdc.exception.OMAGInvalidParameterException';

/** Every error envelope carries all of FFDCResponseBase's diagnostic fields, with Tether's message id pattern. */
function expectEgeriaError(body: Record<string, unknown>, responseClass: string, relatedHTTPCode: number, parameterName?: string) {
  expect(body).toMatchObject({
    class: responseClass,
    relatedHTTPCode,
    exceptionClassName: expect.stringMatching(/^org\.odpi\.openmetadata\./),
    actionDescription: expect.any(String),
    exceptionErrorMessageId: expect.stringMatching(new RegExp(`^TETHER-INTEGRATION-DAEMON-${relatedHTTPCode}-\\d{3}$`)),
    exceptionSystemAction: expect.any(String),
    exceptionUserAction: expect.any(String),
  });
  // Egeria's messages start with their id.
  expect(body.exceptionErrorMessage).toMatch(new RegExp(`^${body.exceptionErrorMessageId as string} `));
  if (parameterName !== undefined) expect(body.exceptionProperties).toMatchObject({ parameterName });
}

describe('integration daemon admin services: Egeria 5 conformance', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startDaemonTether();
  });
  afterAll(() => tether.stop());

  it('adds, replaces, lists and removes integration groups; an empty configuration leaves `groups` out', async () => {
    const api = daemonApi(tether, unique('daemon'));
    expect((await api.configuration()).body).toEqual({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 200 });

    const first = api.groupConfig('group.one', 'md1');
    const response = await api.configure(first);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ class: 'VoidResponse', relatedHTTPCode: 200 });

    // Same qualified name: replaced, not added twice.
    const replaced = { ...first, omagserverName: 'md2' };
    await api.configure(replaced).expect(200);
    await api.configure(api.groupConfig('group.two', 'md1')).expect(200);
    expect((await api.configuration()).body).toEqual({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 200, groups: [replaced, api.groupConfig('group.two', 'md1')] });

    await api.remove('group.one').expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups.map((g: { integrationGroupQualifiedName: string }) => g.integrationGroupQualifiedName)).toEqual(['group.two']);

    await api.configureAll([api.groupConfig('group.three', 'md1'), api.groupConfig('group.four', 'md1')]).expect(200);
    expect((await api.configuration()).body.groups.map((g: { integrationGroupQualifiedName: string }) => g.integrationGroupQualifiedName)).toEqual(['group.three', 'group.four']);

    await api.removeAll().expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body).toEqual({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 200 });
  });

  it('serves the 4.x form with /users/{userId} on the same configuration', async () => {
    const serverName = unique('daemon');
    const api = daemonApi(tether, serverName);
    const legacy = `/open-metadata/admin-services/users/garygeeke/servers/${serverName}`;
    await request(tether.url).post(`${legacy}/integration-groups/configuration`).set(adminAuth).send(api.groupConfig('legacy.group', 'md1')).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups).toEqual([api.groupConfig('legacy.group', 'md1')]);
    const viaLegacy = await request(tether.url).get(`${legacy}/integration-groups/configuration`).set(adminAuth);
    expect(viaLegacy.body).toEqual({ class: 'IntegrationGroupsResponse', relatedHTTPCode: 200, groups: [api.groupConfig('legacy.group', 'md1')] });
    await request(tether.url).delete(`${legacy}/integration-groups/legacy.group`).set(adminAuth).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups).toBeUndefined();
  });

  it('answers validation errors with HTTP 200 and a full FFDC envelope naming the parameter', async () => {
    const api = daemonApi(tether, unique('daemon'));
    const valid = api.groupConfig('group.one', 'md1');

    const wrongClass = await api.configure({ ...valid, class: 'SomethingElse' });
    expect(wrongClass.status).toBe(200);
    expectEgeriaError(wrongClass.body, 'VoidResponse', 400, 'class');
    expect(wrongClass.body).toMatchObject({ exceptionClassName: omagInvalidParameter, exceptionErrorMessageId: 'TETHER-INTEGRATION-DAEMON-400-001', actionDescription: 'configureIntegrationGroup' });
    expect(wrongClass.body.exceptionErrorMessage).toContain('class must be "IntegrationGroupConfig"');

    const noName = await api.configure({ ...valid, integrationGroupQualifiedName: undefined });
    expectEgeriaError(noName.body, 'VoidResponse', 400, 'integrationGroupQualifiedName');

    const inList = await api.configureAll([valid, { ...valid, integrationGroupQualifiedName: '' }]);
    expectEgeriaError(inList.body, 'VoidResponse', 400, '1.integrationGroupQualifiedName');

    expect((await api.configuration()).body.groups).toBeUndefined();
  });

  it('answers malformed JSON and a wrong content type in the envelope, not with Tether’s own error body', async () => {
    const path = `${adminPath(unique('daemon'))}/integration-groups/configuration`;
    const malformed = await request(tether.url).post(path).set(adminAuth).set('content-type', 'application/json').send('{"class": "IntegrationGroupConfig",');
    expect(malformed.status).toBe(200);
    expectEgeriaError(malformed.body, 'VoidResponse', 400, undefined);
    expect(malformed.body.exceptionErrorMessageId).toBe('TETHER-INTEGRATION-DAEMON-400-002');
    expect(malformed.body.error).toBeUndefined();

    const wrongType = await request(tether.url).post(path).set(adminAuth).set('content-type', 'text/plain').send('class=IntegrationGroupConfig');
    expect(wrongType.status).toBe(200);
    expectEgeriaError(wrongType.body, 'VoidResponse', 415, undefined);
    expect(wrongType.body.exceptionErrorMessage).toContain('application/json');
  });

  it('removes a group that is not configured as a no-op (200), and ignores unknown properties', async () => {
    const api = daemonApi(tether, unique('daemon'));
    await api.remove('nope').expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    await api.configure({ ...api.groupConfig('g', 'md1'), permittedSynchronization: 'BOTH_DIRECTIONS' }).expect(200);
    expect((await api.configuration()).body.groups).toEqual([api.groupConfig('g', 'md1')]);
    await api.remove('nope').expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
    expect((await api.configuration()).body.groups).toEqual([api.groupConfig('g', 'md1')]);
    await api.removeAll().expect(200);
  });

  it('keeps authentication failures HTTP 401, in the envelope with OMAGNotAuthorizedException', async () => {
    const response = await request(tether.url).get('/open-metadata/admin-services/servers/x/integration-groups/configuration');
    expect(response.status).toBe(401);
    expectEgeriaError(response.body, 'IntegrationGroupsResponse', 401);
    expect(response.body.exceptionClassName).toBe('org.odpi.openmetadata.adminservices.ffdc.exception.OMAGNotAuthorizedException');
  });

  describe('documented limits on names (issue #10)', () => {
    it('refuses a 1,200-character integrationGroupQualifiedName at the edge, and later calls for that server still answer', async () => {
      const api = daemonApi(tether, unique('daemon'));
      const refused = await api.configure(api.groupConfig('q'.repeat(1_200), 'md1'));
      expectEgeriaError(refused.body, 'VoidResponse', 400, 'integrationGroupQualifiedName');
      expect(refused.body.exceptionErrorMessage).toContain('integrationGroupQualifiedName must be at most 256 bytes (UTF-8); got 1200');
      // Multi-byte characters count as the bytes they take in a workflow id.
      const wide = await api.configure(api.groupConfig('é'.repeat(200), 'md1'));
      expectEgeriaError(wide.body, 'VoidResponse', 400, 'integrationGroupQualifiedName');
      // The daemon never saw it: the next configuration call answers at once and applies.
      await api.configure(api.groupConfig('fine', 'md1')).expect(200, { class: 'VoidResponse', relatedHTTPCode: 200 });
      expect((await api.configuration()).body.groups).toEqual([api.groupConfig('fine', 'md1')]);
      await api.removeAll().expect(200);
    });

    it('refuses over-long or ambiguous server and group names in the path, naming the parameter', async () => {
      const long = await request(tether.url).get(`${adminPath('s'.repeat(129))}/integration-groups/configuration`).set(adminAuth);
      expectEgeriaError(long.body, 'IntegrationGroupsResponse', 400, 'serverName');
      expect(long.body.exceptionErrorMessage).toContain('serverName must be at most 128 bytes');
      // A `/` would make `reconciler/a/b/c` mean two different things.
      const slash = await request(tether.url).get(`${adminPath('a%2Fb')}/integration-groups/configuration`).set(adminAuth);
      expectEgeriaError(slash.body, 'IntegrationGroupsResponse', 400, 'serverName');
      const group = await request(tether.url).delete(`${adminPath('ok')}/integration-groups/${'g'.repeat(300)}`).set(adminAuth);
      expectEgeriaError(group.body, 'VoidResponse', 400, 'groupQualifiedName');
    });
  });
});
