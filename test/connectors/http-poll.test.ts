import pino from 'pino';
import { httpPollConnector } from '../../src/connectors/http-poll';
import { startPeer, type Peer } from '../daemon/support';

const refresh = (configuration: object) => {
  const integration = httpPollConnector.integration!;
  return integration.refresh({
    configuration: integration.configuration.parse(configuration),
    connectorName: 'poller',
    previousState: null,
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

  it('polls the URL with the method and headers, resolving ${ENV} references', async () => {
    process.env.TETHER_TEST_POLL_TOKEN = 'secret-value';
    const result = await refresh({ url: `${peer.url}/ping`, method: 'POST', headers: { authorization: 'Bearer ${TETHER_TEST_POLL_TOKEN}' } });
    expect(result.summary).toBe(`POST ${peer.url}/ping answered 200 (2 bytes)`);
    const [seen] = peer.hits('/ping');
    expect(seen).toMatchObject({ method: 'POST', headers: expect.objectContaining({ authorization: 'Bearer secret-value' }) });
  });

  it('fails on a non-2xx answer, on no answer, and on a missing environment variable', async () => {
    peer.status = 500;
    await expect(refresh({ url: `${peer.url}/down` })).rejects.toThrow(`GET ${peer.url}/down answered 500 Internal Server Error`);
    peer.status = 200;
    await expect(refresh({ url: 'http://127.0.0.1:1/nothing' })).rejects.toThrow(/^GET http:\/\/127\.0\.0\.1:1\/nothing did not answer: /);
    await expect(refresh({ url: peer.url, headers: { 'x-key': '${TETHER_TEST_UNSET_VARIABLE}' } })).rejects.toThrow('headers.x-key references ${TETHER_TEST_UNSET_VARIABLE}, which is not set');
  });

  it('names the field of a bad configuration', () => {
    const result = httpPollConnector.integration!.configuration.safeParse({ url: 'ftp://x', method: 'FETCH' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['url', 'method']);
  });

  it('declares an integration connector with no actions that is always healthy', async () => {
    expect(httpPollConnector).toMatchObject({ type: 'tether.http-poll', actions: [] });
    const report = await httpPollConnector.checkHealth({ instance: { id: 'X', name: 'X', settings: {} }, signal: new AbortController().signal, log: pino({ level: 'silent' }) });
    expect(report.status).toBe('CONNECTION_SUCCESS');
  });
});
