import { SettingsError } from '../config/settings';
import { startTether } from '../runtime/tether';
import { bootstrap, onShutdown } from './process';

/** `tether worker`: runs workflows and activities; scale out by running more of them. */
export async function runWorker(): Promise<void> {
  const { settings, log, credentials, registry, codec } = bootstrap();
  if (!settings.TEMPORAL_ADDRESS) throw new SettingsError('Invalid setting TEMPORAL_ADDRESS: required by `tether worker`');
  const tether = await startTether({
    settings,
    credentials: credentials.credentials,
    registry,
    keyRing: codec.keyRing,
    log,
    temporalAddress: settings.TEMPORAL_ADDRESS,
    api: false,
    worker: true,
  });
  onShutdown(log, tether.stop);
  await tether.workerDone;
}
