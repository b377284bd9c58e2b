import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { bundleTetherWorkflows } from '../../src/runtime/worker';
import { startDevServer } from '../../src/temporal/dev-server';
import { resolveTemporalBinary } from '../../src/temporal/provision';

/** One real Temporal dev server (in memory, random port) and one workflow bundle for the whole suite. */
export default async function globalSetup(): Promise<void> {
  const binary = await resolveTemporalBinary({ explicitPath: process.env.TEMPORAL_CLI_PATH, log: (line) => console.log(line) });
  const [server, bundle] = await Promise.all([
    startDevServer({ binary, port: 0, uiPort: null, namespace: 'default' }),
    bundleTetherWorkflows(new DefaultLogger('WARN')),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'tether-test-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  process.env.TETHER_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.TETHER_TEST_TEMPORAL_BINARY = binary;
  process.env.TETHER_TEST_WORKFLOW_BUNDLE = bundlePath;
  (globalThis as { tetherDevServer?: typeof server }).tetherDevServer = server;
}
