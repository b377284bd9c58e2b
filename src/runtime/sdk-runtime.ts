import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings';
import { sdkTelemetryOptions } from '../metrics/sdk-metrics';

let installed = false;

/**
 * Installs the Temporal SDK runtime once per process (it is a singleton): its logs go to our JSON logger,
 * its metrics to a loopback Prometheus exporter when TETHER_SDK_METRICS_PORT is set.
 */
export function installSdkRuntime(log: Logger, settings?: Pick<Settings, 'TETHER_SDK_METRICS_PORT'>): void {
  if (installed) return;
  installed = true;
  const sdkLog = log.child({ component: 'temporal-sdk' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => sdkLog[levels[level]](meta ?? {}, message);
  Runtime.install({
    telemetryOptions: sdkTelemetryOptions(settings?.TETHER_SDK_METRICS_PORT),
    logger: {
      log: write,
      trace: (message, meta) => write('TRACE', message, meta),
      debug: (message, meta) => write('DEBUG', message, meta),
      info: (message, meta) => write('INFO', message, meta),
      warn: (message, meta) => write('WARN', message, meta),
      error: (message, meta) => write('ERROR', message, meta),
    },
  });
}
