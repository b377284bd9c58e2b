import { z } from 'zod';
import { BusinessError, TargetTimeoutError, TargetUnavailableError } from '../../src/connectors/errors';
import { defineConnector } from '../../src/connectors/sdk';

/** Gates the `wait` action: a test opens it to let a run finish after the sync window. */
export const gates = new Map<string, () => void>();
/** How often each `flaky` key has been called, to count attempts. */
export const attempts = new Map<string, number>();

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** A connector whose actions fail in every way the SPI maps, for the error-mapping tests. */
export const testConnector = defineConnector({
  name: 'Test Connector',
  version: '0.1',
  type: 'tether.test',
  path: 'testing',
  capabilities: [],
  settings: z.object({ apiKey: z.string() }),
  secretSettings: ['apiKey'],
  actions: [
    {
      name: 'wait',
      displayName: 'Wait for the test',
      path: 'wait',
      inputs: [{ name: 'gate', type: 'String', required: true }],
      outputs: [{ name: 'opened', type: 'Object' }],
      async handler({ inputs }) {
        await new Promise<void>((resolve) => gates.set(String(inputs.gate), resolve));
        return { opened: true };
      },
    },
    {
      name: 'flaky',
      displayName: 'Unavailable then fine',
      path: 'flaky',
      inputs: [
        { name: 'key', type: 'String', required: true },
        { name: 'failures', type: 'Integer', required: true },
      ],
      outputs: [{ name: 'attempt', type: 'Object' }],
      execution: { maximumAttempts: 3, initialRetrySeconds: 0.1 },
      async handler({ inputs }) {
        const attempt = (attempts.get(String(inputs.key)) ?? 0) + 1;
        attempts.set(String(inputs.key), attempt);
        if (attempt <= Number(inputs.failures)) throw new TargetUnavailableError(`target down (attempt ${attempt})`);
        return { attempt };
      },
    },
    {
      name: 'refuse',
      displayName: 'Business refusal',
      path: 'refuse',
      inputs: [],
      outputs: [],
      async handler() {
        throw new BusinessError('order limit reached', { limit: 5 });
      },
    },
    {
      name: 'slowTarget',
      displayName: 'Target timeout',
      path: 'slow_target',
      inputs: [],
      outputs: [],
      execution: { maximumAttempts: 2, initialRetrySeconds: 0.1 },
      async handler() {
        throw new TargetTimeoutError('target did not answer within 10 ms');
      },
    },
    {
      name: 'overrun',
      displayName: 'Past the deadline',
      path: 'overrun',
      inputs: [],
      outputs: [],
      execution: { timeoutSeconds: 1, maximumAttempts: 1 },
      async handler({ signal }) {
        await sleep(5_000, signal);
        return {};
      },
    },
    {
      name: 'crash',
      displayName: 'Unclassified bug',
      path: 'crash',
      inputs: [],
      outputs: [],
      execution: { maximumAttempts: 2, initialRetrySeconds: 0.1 },
      async handler() {
        throw new TypeError('cannot read properties of undefined');
      },
    },
    {
      name: 'useKey',
      displayName: 'Uses the API key',
      path: 'use_key',
      inputs: [{ name: 'note', type: 'String' }],
      outputs: [{ name: 'keyLength', type: 'Object' }],
      async handler({ instance }) {
        return { keyLength: instance.settings.apiKey.length };
      },
    },
  ],
  async checkHealth({ instance }) {
    if (instance.id === 'BROKEN') throw new TargetUnavailableError('connection refused by target');
    return { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: 'test target v2.5' }] };
  },
});
