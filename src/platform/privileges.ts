/** The SPI operation a connector performs when it serves `checkHealth` for one of its connectors. */
const checkHealthAction = 'com.bmc.dsm.catalog:checkHealth';

/**
 * Whether a connector with these privileges may serve an SPI path (DESIGN §6).
 * Patterns are `*`, `connector_path/*` or `connector_path/action_path`.
 * Always allowed: everything under `/rcf/` (health, descriptor, execution status) — the platform needs them
 * to know what the connector offers and to follow a 202. `checkHealth` of a connector is allowed once any pattern grants something on it.
 */
export function isAllowed(privileges: readonly string[], spiPath: string): boolean {
  const raw = spiPath.split('?', 1)[0]!.split('/').filter(Boolean);
  // Execution ids under /rcf/executions/ carry encoded slashes (`action%2F…`); only the first segment decides here.
  if (raw[0] && decodeSegment(raw[0]) === 'rcf') return true;
  const segments = raw.map(decodeSegment);
  if (segments.some((segment) => segment === undefined)) return false;
  const [connectorPath = '', actionPath = ''] = segments;
  return privileges.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.startsWith(behavioursPrefix)) return false;
    const [allowedConnector, allowedAction] = pattern.split('/');
    if (allowedConnector !== connectorPath) return false;
    return allowedAction === '*' || allowedAction === actionPath || actionPath === checkHealthAction;
  });
}

const behavioursPrefix = 'behaviours:';

/** Whether a connector with these privileges runs the behaviours of a tenant and environment: `behaviours:{tenant}/{environment}` or `*`. */
export function mayRunBehaviours(privileges: readonly string[], tenant: string, environment: string): boolean {
  return privileges.some((pattern) => pattern === '*' || pattern === `${behavioursPrefix}${tenant}/${environment}`);
}

/** Undefined for a segment that cannot be decoded or that smuggles a slash or a dot-segment. */
function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.includes('/') || decoded === '..' || decoded === '.' ? undefined : decoded;
  } catch {
    return undefined;
  }
}
