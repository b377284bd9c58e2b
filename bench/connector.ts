import { z } from 'zod';
import { ConnectorRegistry } from '../src/connectors/registry';
import { defineConnector, type ActionDefinition } from '../src/connectors/sdk';

/** The no-op every variant runs: echo the one input back. Shared, so only the path around it differs. */
export async function noopHandler(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  return { echo: inputs.value ?? null };
}

const noopAction = (name: string, path: string, mode: 'local' | 'regular'): ActionDefinition<unknown> => ({
  name,
  displayName: `No-op (${mode} activity)`,
  path,
  inputs: [{ name: 'value', type: 'String' }],
  outputs: [{ name: 'echo', type: 'Object' }],
  execution: { mode, timeoutSeconds: 10 },
  handler: ({ inputs }) => noopHandler(inputs),
});

/**
 * The bench connector: the no-op as a local activity (Tether's fast path, `noop`), the same as a regular
 * activity (`noop_regular`, the A/B of local activities), and a no-op integration refresh (the cheapest
 * connector type for the daemon scale run).
 */
export const benchConnector = defineConnector<Record<string, unknown>, Record<string, unknown>>({
  name: 'Bench',
  version: '1.0',
  type: 'tether.bench',
  path: 'bench',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: z.record(z.string(), z.unknown()),
  actions: [noopAction('noop', 'noop', 'local'), noopAction('noopRegular', 'noop_regular', 'regular')],
  async checkHealth() {
    return { status: 'CONNECTION_SUCCESS', message: null, messages: [] };
  },
  integration: {
    configuration: z.record(z.string(), z.unknown()),
    async refresh() {
      return { summary: 'no-op' };
    },
  },
});

export const BENCH_INSTANCE = 'BENCH';

/** The bench's registry: the bench connector alone, one connection instance. */
export function benchRegistry(): ConnectorRegistry {
  return new ConnectorRegistry([{ definition: benchConnector, instances: [{ id: BENCH_INSTANCE, name: 'Bench', settings: {} }] }]);
}
