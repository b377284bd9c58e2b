import pino from 'pino';
import { httpPollConnector } from '../../src/connectors/http-poll';
import { SecretStore } from '../../src/connectors/secrets';
import { startPeer, type Peer } from '../daemon/support';

const secrets = new SecretStore({
  'poll-token': { value: 'Bearer secret-value', connectorTypes: ['tether.http-poll'] },
  'other-token': { value: 'not-for-poll', connectorTypes: ['tether.folder-monitor'] },
});

const refresh = (configuration: object) => {
  const integration = httpPollConnector.integration!;
  return integration.refresh({
    configuration: integration.configuration.parse(configuration),
    connectorName: 'poller',
    previousState: null,
    secrets: secrets.resolverFor({ connectorType: 'tether.http-poll', group: 'g', connectorName: 'poller' }),
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
  });
};

describe('http-poll connector', () => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer();
  });
  afterAll(() => peer.close());

  it('polls the URL with the method, literal headers and declared secrets (secretRef)', async () => {
    const result = await refresh({ url: `${peer.url}/ping`, method: 'POST', headers: { authorization: { secretRef: 'poll-token' }, 'x-trace': 'literal' } });
    expect(result.summary).toBe(`POST ${peer.url}/ping answered 200 (2 bytes)`);
    const [seen] = peer.hits('/ping');
    expect(seen).toMatchObject({ method: 'POST', headers: expect.objectContaining({ authorization: 'Bearer secret-value', 'x-trace': 'literal' }) });
  });

  it('fails on a non-2xx answer, on no answer, and on a secret it may not use', async () => {
    peer.status = 500;
    await expect(refresh({ url: `${peer.url}/down` })).rejects.toThrow(`GET ${peer.url}/down answered 500 Internal Server Error`);
    peer.status = 200;
    await expect(refresh({ url: 'http://127.0.0.1:1/nothing' })).rejects.toThrow(/^GET http:\/\/127\.0\.0\.1:1\/nothing did not answer: /);
    await expect(refresh({ url: peer.url, headers: { 'x-key': { secretRef: 'other-token' } } })).rejects.toMatchObject({
      name: 'ConnectorConfigError',
      message: 'secret other-token may not be used by tether.http-poll connector poller of group g: its connectorTypes do not include tether.http-poll',
    });
    await expect(refresh({ url: peer.url, headers: { 'x-key': { secretRef: 'missing' } } })).rejects.toThrow("secret missing is not declared in this worker's config file (secrets:)");
  });

  it('never substitutes ${…} from a definition: the environment stays on this host', async () => {
    process.env.TETHER_TEST_POLL_SECRET = 'host-secret-value';
    const result = httpPollConnector.integration!.configuration.safeParse({ url: peer.url, headers: { authorization: 'Bearer ${TETHER_TEST_POLL_SECRET}' } });
    expect(result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      "headers.authorization: is not substituted: definitions never read this host's environment; declare the secret in the config file (secrets:) and use {secretRef: name}",
    ]);
    expect(JSON.stringify(peer.requests)).not.toContain('host-secret-value');
  });

  it('names the field of a bad configuration, and refuses credentials in the URL', () => {
    const result = httpPollConnector.integration!.configuration.safeParse({ url: 'ftp://x', method: 'FETCH' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['url', 'method']);
    const withPassword = httpPollConnector.integration!.configuration.safeParse({ url: 'http://user:hunter22@example.com/x' });
    expect(withPassword.error!.issues).toMatchObject([
      { path: ['url'], message: 'url must not contain credentials (user:password@); send them in a header that references a declared secret ({secretRef: name})' },
    ]);
  });

  it('declares an integration connector with no actions that is always healthy', async () => {
    expect(httpPollConnector).toMatchObject({ type: 'tether.http-poll', actions: [] });
    const report = await httpPollConnector.checkHealth({ instance: { id: 'X', name: 'X', settings: {} }, signal: new AbortController().signal, log: pino({ level: 'silent' }) });
    expect(report.status).toBe('CONNECTION_SUCCESS');
  });
});
