import { spawnSync } from 'node:child_process';
import { z } from 'zod';

/** TETHER_BEHAVIOURS_NETWORK: `none` (default) or `allow`. */
export type BehavioursNetworkSetting = 'none' | 'allow';

/** How a Behaviour Server is cut off from the network, as logged at start and shown by `GET /admin/behaviours`. */
export const BehavioursNetworkMode = z.enum(['none (namespace)', 'none (in-process)', 'allow']);
export type BehavioursNetworkMode = z.infer<typeof BehavioursNetworkMode>;

export interface NetworkIsolation {
  mode: BehavioursNetworkMode;
  /** The command and arguments that start `command args…` with this isolation. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
}

/**
 * Tests set this to exercise the in-process guard alone, as on a host that refuses namespaces (Docker's default
 * seccomp profile refuses `unshare`). Not a setting: an operator has no reason to give up the kernel's isolation.
 */
const NO_NAMESPACE_FOR_TESTS = 'TETHER_INTERNAL_BEHAVIOURS_NO_NAMESPACE';

/**
 * `unshare --net` starts the server in a new network namespace, where the only interface is its own loopback,
 * down: no address of the host (the Temporal frontend, the data plane, metadata services) is reachable, whatever
 * the server's code does. Not root: `--map-root-user` makes the namespace unprivileged (a user namespace). The fd
 * of the manager's channel and stdio are inherited through `unshare`, which execs the server (same pid).
 */
function unshareArgs(): string[] {
  return process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user'];
}

/** Whether `unshare` works here: tried once, at manager start. */
function namespacesWork(): boolean {
  if (process.platform !== 'linux' || process.env[NO_NAMESPACE_FOR_TESTS] === '1') return false;
  const tried = spawnSync('unshare', [...unshareArgs(), 'true'], { stdio: 'ignore', timeout: 5_000 });
  return tried.status === 0;
}

/** Decides, once per manager, how its Behaviour Servers are kept off the network. */
export function networkIsolation(setting: BehavioursNetworkSetting): NetworkIsolation {
  const asIs = (command: string, args: string[]) => ({ command, args });
  if (setting === 'allow') return { mode: 'allow', wrap: asIs };
  if (!namespacesWork()) return { mode: 'none (in-process)', wrap: asIs };
  return { mode: 'none (namespace)', wrap: (command, args) => ({ command: 'unshare', args: [...unshareArgs(), '--', command, ...args] }) };
}
