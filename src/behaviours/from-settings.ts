import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { BehavioursManager } from './manager';

/** The Behaviours Manager of a worker process in connector mode, from its settings. */
export async function startBehavioursManager(settings: Settings, registry: ConnectorRegistry, log: Logger): Promise<BehavioursManager> {
  const manager = new BehavioursManager(
    {
      dir: resolve(settings.TETHER_BEHAVIOURS_DIR ?? join(tmpdir(), 'tether')),
      maxBuilds: settings.TETHER_BEHAVIOURS_MAX_BUILDS,
      lock: settings.TETHER_BEHAVIOURS_LOCK,
      timeoutMs: settings.TETHER_BEHAVIOURS_TIMEOUT_MS,
      maxOldSpaceMb: settings.TETHER_BEHAVIOURS_MAX_OLD_SPACE_MB,
      inspectPort: settings.TETHER_BEHAVIOURS_INSPECT,
      network: settings.TETHER_BEHAVIOURS_NETWORK,
    },
    registry,
    log.child({ component: 'behaviours' }),
    settings.TETHER_TASK_QUEUE,
  );
  await manager.init();
  return manager;
}
