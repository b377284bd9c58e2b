import { join } from 'node:path';
import { CommandFailed } from './exit';
import { Client } from '@temporalio/client';
import { parseSettings, SettingsError } from '../config/settings';
import { fetchHistories, readHistoryFiles, replayHistories, type HistorySource } from '../operations/replay';
import { createLogger } from '../logging/logger';
import { createDataConverter, resolveCodecKeyRing } from '../temporal/codec';
import { installSdkRuntime } from '../runtime/sdk-runtime';
import { connectToTemporal } from '../runtime/temporal-connection';

/**
 * `tether replay`: replays recorded histories (files) or live executions (`--query`, against TEMPORAL_ADDRESS)
 * against the current workflow code; exits 1 when any replay hits non-determinism.
 */
export async function runReplay({ paths, query }: { paths: string[]; query?: string }): Promise<void> {
  const settings = parseSettings();
  installSdkRuntime(createLogger('warn'));
  let sources: Iterable<HistorySource> | AsyncIterable<HistorySource>;
  let close = async () => undefined as void;
  if (query) {
    if (!settings.TEMPORAL_ADDRESS) throw new SettingsError('Invalid setting TEMPORAL_ADDRESS: required by `tether replay --query`');
    const connection = await connectToTemporal(settings, settings.TEMPORAL_ADDRESS);
    sources = fetchHistories(new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE }), query);
    close = () => connection.close();
  } else {
    sources = (paths.length ? paths : [join(process.cwd(), 'test', 'histories')]).flatMap(readHistoryFiles);
  }
  // Histories hold encrypted payloads: replay decrypts them with the same key ring as the workers.
  const dataConverter = createDataConverter(resolveCodecKeyRing(settings).keyRing);
  const outcomes = await replayHistories({ workflowsPath: require.resolve('../workflows'), dataConverter }, sources);
  await close();
  for (const outcome of outcomes) console.log(`${outcome.ok ? 'ok  ' : 'FAIL'} ${outcome.workflowId}${outcome.error ? `  ${outcome.error}` : ''}`);
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  console.log(`${outcomes.length} histories replayed, ${failed} failed`);
  if (failed > 0 || outcomes.length === 0) throw new CommandFailed(`${failed} of ${outcomes.length} histories failed to replay`);
}
