import { SettingsError } from '../config/settings';
import { metrics, startMetricsServer } from '../metrics';
import { bootstrap, onShutdown, startProcess } from './process';

/** `tether worker`: runs workflows and activities; scale out by running more of them. */
export async function runWorker(): Promise<void> {
  const boot = bootstrap();
  const { settings, log } = boot;
  if (!settings.TEMPORAL_ADDRESS) throw new SettingsError('Invalid setting TEMPORAL_ADDRESS: required by `tether worker`');
  const tether = await startProcess(boot, {
    temporalAddress: settings.TEMPORAL_ADDRESS,
    api: false,
    worker: true,
  });
  // Without the API, the worker serves /metrics and /health/live on its own port when asked to.
  const metricsServer =
    settings.TETHER_METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer({
          port: settings.TETHER_METRICS_PORT,
          metrics,
          sdkMetricsPort: settings.TETHER_SDK_METRICS_PORT,
          live: () => tether.worker?.getState() === 'RUNNING',
        });
  onShutdown(log, async () => {
    await metricsServer?.stop();
    await tether.stop();
  });
  log.info({ taskQueue: settings.TETHER_TASK_QUEUE, metrics: metricsServer?.url }, 'worker running');
  await tether.workerDone;
}
