import pino from 'pino';
import { z } from 'zod';
import { runConnectionCall } from '../../src/behaviours/connection-calls';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { defineConnector } from '../../src/connectors/sdk';

// A connector whose action fails with its own secret in the message and details, as a careless plugin might.
const leaky = defineConnector({
  name: 'leaky',
  version: '1.0.0',
  type: 'test.leaky',
  path: 'leaky',
  capabilities: [],
  settings: z.object({ apiKey: z.string() }),
  secretSettings: ['apiKey'],
  actions: [
    {
      name: 'fetch',
      displayName: 'Fetch',
      path: 'fetch',
      inputs: [],
      outputs: [],
      async handler({ instance }) {
        throw Object.assign(new Error(`GET https://user:pw@api.example/x?key=${instance.settings.apiKey} failed`), { details: { sent: { key: instance.settings.apiKey } } });
      },
    },
  ],
  checkHealth: async () => ({ status: 'CONNECTION_SUCCESS', message: null, messages: [] }),
});

const registry = new ConnectorRegistry([{ definition: leaky, instances: [{ id: 'A', name: 'A', settings: { apiKey: 'leaky-key-0123456789' }, behaviours: ['acme/*'] }] }]);
const call = { type: 'connection-call' as const, requestId: 'r1', callId: 'c1', connector: 'leaky', instance: 'A', action: 'fetch', inputs: {} };

describe("a behaviour's connection call, in the manager", () => {
  it("redacts the instance's secret settings and URL userinfo from the error the behaviour gets", async () => {
    const answer = await runConnectionCall(registry, pino({ level: 'silent' }), { tenant: 'acme', environment: 'prod', callInFlight: true, running: 0 }, call);
    expect(answer).toEqual({
      type: 'connection-result',
      requestId: 'r1',
      ok: false,
      error: { name: 'Error', message: 'GET https://[redacted]@api.example/x?key=[redacted] failed', details: { sent: { key: '[redacted]' } } },
    });
  });

  it('refuses a scope the pattern does not admit, and a call not running, before the handler runs', async () => {
    for (const caller of [
      { tenant: 'beta', environment: 'prod', callInFlight: true, running: 0 },
      { tenant: 'acme', environment: 'prod', callInFlight: false, running: 0 },
    ]) {
      const answer = await runConnectionCall(registry, pino({ level: 'silent' }), caller, call);
      expect(answer.error).toMatchObject({ name: 'ConnectionForbiddenError', details: { status: 403, tenant: caller.tenant, instance: 'A' } });
      expect(JSON.stringify(answer)).not.toContain('leaky-key');
    }
  });

  it('refuses a call past the connection calls a server may run at once (429), before the handler runs', async () => {
    const answer = await runConnectionCall(registry, pino({ level: 'silent' }), { tenant: 'acme', environment: 'prod', callInFlight: true, running: 16 }, call);
    expect(answer.error).toEqual({
      name: 'TooManyConnectionCallsError',
      message: 'Behaviours of acme/prod have 16 connection calls running on this connector, the most at once (429); wait for one to finish',
      details: { status: 429, code: 'TOO_MANY_CONNECTION_CALLS', limit: 16 },
    });
  });
});
