import { z } from 'zod';
import { folderMonitorConnector } from '../../src/connectors/folder-monitor';
import { httpPollConnector } from '../../src/connectors/http-poll';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { defineConnector } from '../../src/connectors/sdk';
import { SecretRef, SecretStore } from '../../src/connectors/secrets';
import { integrationConnectorWorkflowId } from '../../src/contracts/daemon-workflows';
import { historyText } from '../spi/history-text';
import { startTestTether, type TestTether } from '../support/tether';
import { configureGroup, daemonApi, pollConnector, startPeer, unique, waitFor, type Peer } from './support';

const POLL_SECRET = 'Bearer declared-poll-secret-6d5c4b3a';
const LEAKY_SECRET = 'leaky-secret-value-1a2b3c4d';

/** An integration connector whose target repeats the secret it was sent in its error, as real ones do. */
const leakyConnector = defineConnector({
  name: 'leaky',
  version: '1.0',
  type: 'tether.test-leaky',
  path: 'leaky',
  capabilities: [],
  settings: z.object({}),
  actions: [],
  checkHealth: async () => ({ status: 'CONNECTION_SUCCESS', message: null, messages: [] }),
  integration: {
    configuration: z.object({ token: SecretRef }),
    async refresh({ configuration, secrets }) {
      const token = secrets.reveal(configuration.token);
      throw new Error(`target refused the token ${token} (sent to https://svc:${token}@example.com/)`);
    },
  },
});

describe('integration group definitions reach secrets only through declared secretRefs', () => {
  let tether: TestTether;
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer();
    const secrets = new SecretStore({
      'poll-token': { value: POLL_SECRET, connectorTypes: ['tether.http-poll'] },
      'only-for-billing': { value: 'billing-secret-9z8y7x', connectorTypes: ['tether.http-poll'], connectors: [{ group: 'billing', connector: 'billing-poll' }] },
      'folder-token': { value: 'folder-secret-1q2w3e', connectorTypes: ['tether.folder-monitor'] },
      'leaky-token': { value: LEAKY_SECRET, connectorTypes: ['tether.test-leaky'] },
    });
    const registry = () =>
      new ConnectorRegistry(
        [httpPollConnector, folderMonitorConnector, leakyConnector].map((definition) => ({ definition, instances: [] })),
        secrets,
      );
    tether = await startTestTether({ registry });
  });
  afterAll(async () => {
    await tether.stop();
    await peer.close();
  });

  const group = (connectors: object[]) => configureGroup(tether, connectors);

  it("a ${…} in a definition is never substituted: the connector is CONFIG_FAILED and the host's variable never leaves", async () => {
    process.env.TETHER_TEST_HOST_SECRET = 'host-environment-secret-0p9o8i';
    const path = `/${unique('env')}`;
    const { api } = await group([pollConnector('env-poll', `${peer.url}${path}`, { configuration: { url: `${peer.url}${path}`, headers: { authorization: 'Bearer ${TETHER_TEST_HOST_SECRET}' } } })]);
    const failed = await waitFor(async () => (await api.connectors())['env-poll']?.connectorStatus === 'CONFIG_FAILED' && (await api.connectors())['env-poll'], { what: 'CONFIG_FAILED' });
    expect(failed.failingExceptionMessage).toBe(
      "Invalid configuration for tether.http-poll: configuration.headers.authorization: is not substituted: definitions never read this host's environment; declare the secret in the config file (secrets:) and use {secretRef: name}",
    );
    expect(peer.hits(path)).toEqual([]);
    expect(JSON.stringify(peer.requests)).not.toContain('host-environment-secret-0p9o8i');
  });

  it('a declared secret reaches the polled URL, and never the workflow history or the status view', async () => {
    const path = `/${unique('ref')}`;
    const { api, serverName, qualifiedName } = await group([pollConnector('ref-poll', `${peer.url}${path}`, { configuration: { url: `${peer.url}${path}`, headers: { authorization: { secretRef: 'poll-token' } } } })]);
    const [seen] = await waitFor(() => peer.hits(path).length > 0 && peer.hits(path), { what: 'a poll' });
    expect(seen!.headers.authorization).toBe(POLL_SECRET);
    await waitFor(async () => (await api.connectors())['ref-poll']?.connectorStatus === 'RUNNING', { what: 'RUNNING' });
    const history = await historyText(tether.client, integrationConnectorWorkflowId(serverName, qualifiedName, 'ref-poll'));
    expect(history).toContain('poll-token');
    expect(history).not.toContain('declared-poll-secret');
    expect(JSON.stringify((await api.status()).body)).not.toContain('declared-poll-secret');
  });

  it('an undeclared secret, or one declared for other connectors, is CONFIG_FAILED with the reason and never sent', async () => {
    const path = `/${unique('refused')}`;
    const { api, qualifiedName } = await group([
      pollConnector('unknown-ref', `${peer.url}${path}`, { configuration: { url: `${peer.url}${path}`, headers: { 'x-key': { secretRef: 'no-such-secret' } } } }),
      pollConnector('other-group', `${peer.url}${path}`, { configuration: { url: `${peer.url}${path}`, headers: { 'x-key': { secretRef: 'only-for-billing' } } } }),
      pollConnector('other-type', `${peer.url}${path}`, { configuration: { url: `${peer.url}${path}`, headers: { 'x-key': { secretRef: 'folder-token' } } } }),
    ]);
    const statuses = await waitFor(
      async () => {
        const all = await api.connectors();
        return ['unknown-ref', 'other-group', 'other-type'].every((name) => all[name]?.connectorStatus === 'CONFIG_FAILED') && all;
      },
      { what: 'three CONFIG_FAILED' },
    );
    const prefix = 'Invalid configuration for tether.http-poll: configuration.headers.x-key: secret';
    expect(statuses['unknown-ref']!.failingExceptionMessage).toBe(`${prefix} no-such-secret is not declared in this worker's config file (secrets:)`);
    expect(statuses['other-group']!.failingExceptionMessage).toBe(`${prefix} only-for-billing may not be used by tether.http-poll connector other-group of group ${qualifiedName}: it is not among the secret's connectors`);
    expect(statuses['other-type']!.failingExceptionMessage).toBe(
      `${prefix} folder-token may not be used by tether.http-poll connector other-type of group ${qualifiedName}: its connectorTypes do not include tether.http-poll`,
    );
    expect(peer.hits(path)).toEqual([]);
  });

  it("a refresh error never shows a revealed secret or a URL's userinfo", async () => {
    const { api } = await group([{ connectorName: 'leaky', connectorType: 'tether.test-leaky', configuration: { token: { secretRef: 'leaky-token' } }, refreshIntervalSeconds: 60, restartPolicy: { initialIntervalSeconds: 30, coefficient: 2, maximumIntervalSeconds: 60 } }]);
    const failing = await waitFor(async () => (await api.connectors()).leaky?.failingExceptionMessage, { what: 'a failed refresh' });
    expect(failing).toBe('target refused the token [redacted] (sent to https://[redacted]@example.com/)');
  });

  it('refuses a metadata server root URL with credentials, naming the field', async () => {
    const api = daemonApi(tether, unique('daemon'));
    const response = await api.configure(api.groupConfig('g', 'md', 'http://admin:hunter22@127.0.0.1:1'));
    // Egeria's envelope: HTTP 200, the error in relatedHTTPCode.
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ relatedHTTPCode: 400, exceptionProperties: { parameterName: 'omagserverPlatformRootURL' } });
    expect(response.body.exceptionErrorMessage).toContain(
      "omagserverPlatformRootURL must not contain credentials (user:password@); Tether presents its own admin token to the metadata server",
    );
    expect(JSON.stringify(response.body)).not.toContain('hunter22');
  });
});
