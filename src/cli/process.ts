import { resolveCredentials, type ResolvedCredentials } from '../config/credentials';
import { loadConnectorRegistry } from '../config/connectors';
import { parseSettings, SettingsError, type Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { createLogger, type Logger } from '../logging/logger';
import { startTether, type RunningTether, type TetherOptions } from '../runtime/tether';
import { resolveCodecKeyRing, type ResolvedKeyRing } from '../temporal/codec';

export interface Bootstrap {
  settings: Settings;
  log: Logger;
  credentials: ResolvedCredentials;
  registry: ConnectorRegistry;
  codec: ResolvedKeyRing;
}

/** Runs every step even when one fails, so that one start reports every settings problem (one line each). */
function everyStep<T extends unknown[]>(...steps: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = steps.map((step) => {
    try {
      return step();
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new SettingsError(problems);
  return results as T;
}

/** Everything a Tether process reads at start; bad settings throw one error listing each, one line each. */
export function bootstrap(env: NodeJS.ProcessEnv = process.env): Bootstrap {
  const settings = parseSettings(env);
  const log = createLogger(settings.LOG_LEVEL);
  const [credentials, registry, codec] = everyStep(
    () => resolveCredentials(settings),
    () => loadConnectorRegistry(settings),
    () => resolveCodecKeyRing(settings),
  );
  return { settings, log, credentials, registry, codec };
}

/** Starts the parts a command runs, with what bootstrap read. */
export function startProcess(boot: Bootstrap, parts: Pick<TetherOptions, 'temporalAddress' | 'temporalUiUrl' | 'api' | 'worker'>): Promise<RunningTether> {
  return startTether({ settings: boot.settings, credentials: boot.credentials.credentials, registry: boot.registry, keyRing: boot.codec.keyRing, log: boot.log, ...parts });
}

/** Runs the stop steps once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'stopping');
    stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
