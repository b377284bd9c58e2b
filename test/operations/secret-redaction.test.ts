import request from 'supertest';
import { z } from 'zod';
import { BusinessError, TargetUnavailableError } from '../../src/connectors/errors';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { defineConnector } from '../../src/connectors/sdk';
import { historyText } from '../spi/history-text';
import { adminAuth, spiAuth, startTestTether, type TestTether } from '../support/tether';

const API_KEY = 'sk-live-7f6e5d4c3b2a1908';
const HEADER_VALUE = 'header-secret-55aa66bb';

/** A connector whose target repeats its credentials in every failure, as careless targets and libraries do. */
const chattyConnector = defineConnector({
  name: 'Chatty',
  version: '1.0',
  type: 'tether.test-chatty',
  path: 'chatty',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: z.object({ apiKey: z.string(), headers: z.record(z.string(), z.string()) }),
  secretSettings: ['apiKey', 'headers'],
  actions: [
    {
      name: 'unavailable',
      displayName: 'Unavailable',
      path: 'unavailable',
      inputs: [],
      outputs: [{ name: 'never', type: 'Object' }],
      execution: { maximumAttempts: 1 },
      async handler({ instance }) {
        throw new TargetUnavailableError(`GET https://svc:${instance.settings.apiKey}@api.example.com/x failed: ECONNREFUSED (X-Auth: ${instance.settings.headers['X-Auth']})`);
      },
    },
    {
      name: 'refused',
      displayName: 'Refused',
      path: 'refused',
      inputs: [],
      outputs: [{ name: 'never', type: 'Object' }],
      async handler({ instance }) {
        throw new BusinessError(`key ${instance.settings.apiKey} has no access`, { echoed: { headers: { 'x-api-key': instance.settings.apiKey } } });
      },
    },
    {
      name: 'crashes',
      displayName: 'Crashes',
      path: 'crashes',
      inputs: [],
      outputs: [{ name: 'never', type: 'Object' }],
      execution: { maximumAttempts: 1 },
      async handler({ instance }) {
        throw new Error(`unexpected: ${instance.settings.apiKey}`);
      },
    },
  ],
  async checkHealth({ instance }) {
    const message = `target says key ${instance.settings.apiKey} expired (https://user:pw@api.example.com)`;
    return { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
  },
});

describe('secrets never leave through errors, health messages or the executions view', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({
      registry: () =>
        new ConnectorRegistry([{ definition: chattyConnector, instances: [{ id: 'PROD', name: 'Prod', settings: { apiKey: API_KEY, headers: { 'X-Auth': HEADER_VALUE } } }] }]),
    });
  });
  afterAll(() => tether.stop());

  const call = (path: string, body: object) => request(tether.url).post(`/chatty/${path}`).set(spiAuth).send(body);
  const leaks = (text: string) => [API_KEY, HEADER_VALUE, 'user:pw@', `svc:${API_KEY}`].filter((secret) => text.includes(secret));

  it.each([
    ['unavailable', 502, 'TARGET_UNAVAILABLE', 'GET https://[redacted]@api.example.com/x failed: ECONNREFUSED (X-Auth: [redacted])'],
    ['refused', 422, 'BUSINESS_ERROR', 'key [redacted] has no access'],
    ['crashes', 502, 'CONNECTOR_FAILED', 'The action failed after its retries: unexpected: [redacted]'],
  ])('%s: the SPI error, the execution view and the history show [redacted]', async (action, status, code, message) => {
    const response = await call(action, { connectionInstanceId: 'PROD', inputs: {} });
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code, message });
    const executionId = response.body.error.executionId as string;
    const view = await request(tether.url).get(`/admin/executions/${encodeURIComponent(executionId)}`).set(adminAuth).expect(200);
    expect(view.body.failure.message).toContain('[redacted]');
    expect(leaks(JSON.stringify(response.body) + JSON.stringify(view.body) + (await historyText(tether.client, executionId)))).toEqual([]);
    if (action === 'refused') expect(response.body.error.details).toEqual({ echoed: { headers: { 'x-api-key': '[redacted]' } } });
  });

  it('health messages show [redacted] instead of secret settings and URL userinfo', async () => {
    const response = await call('com.bmc.dsm.catalog:checkHealth', { connectionInstanceId: 'PROD', request: {} }).expect(200);
    const expected = 'target says key [redacted] expired (https://[redacted]@api.example.com)';
    expect(response.body.response).toEqual({ status: 'CONNECTION_FAILURE', message: expected, messages: [{ severity: 'ERROR', message: expected }] });
  });
});
