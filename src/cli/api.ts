import { SettingsError } from '../config/settings';
import { runConnectorMode } from '../platform/connector-mode';
import { bootstrap, onShutdown, startProcess } from './process';

/**
 * `tether api`: the HTTP API against TEMPORAL_ADDRESS. With its in-process worker (TETHER_API_WORKER, default)
 * eager start runs each action in this process; without it, actions go to the `tether worker`s.
 */
export async function runApi(): Promise<void> {
  const boot = bootstrap();
  const { settings, log } = boot;
  if (!settings.TEMPORAL_ADDRESS) throw new SettingsError('Invalid setting TEMPORAL_ADDRESS: required by `tether api` (use `tether dev` to embed a server)');
  const tether = await startProcess(boot, {
    temporalAddress: settings.TEMPORAL_ADDRESS,
    temporalUiUrl: settings.TEMPORAL_UI_URL,
    api: true,
    worker: settings.TETHER_API_WORKER,
  });
  const platformLink = await runConnectorMode({ client: tether.client, settings, log, dev: false });
  onShutdown(log, async () => {
    platformLink?.stop();
    await tether.stop();
  });
  tether.workerDone.catch((err) => {
    log.fatal({ err }, 'worker failed');
    process.exit(1);
  });
  log.info({ url: tether.url }, 'api listening');
}
