/** The SPI operation a connector performs when it serves `checkHealth` for one of its connectors. */
const checkHealthAction = 'com.bmc.dsm.catalog:checkHealth';

/**
 * Whether these privileges (a connector's, or a platform user's) admit an SPI path (DESIGN §6).
 * Patterns are `*`, `connector_path/*` or `connector_path/action_path`.
 * Always allowed: `/rcf/health` and `/rcf/descriptor` — the platform needs them to know what the connector offers.
 * `/rcf/executions/{id}` needs what running that execution needed: its action's pattern, `checkHealth`'s (any
 * pattern on its connector), or `behaviours:{tenant}/{environment}` — else a 202's status would show outputs
 * of actions and tenants the privileges keep out. `checkHealth` of a connector is allowed once any pattern grants something on it.
 */
export function isAllowed(privileges: readonly string[], spiPath: string): boolean {
  const raw = spiPath.split('?', 1)[0]!.split('/').filter(Boolean);
  // Execution ids under /rcf/executions/ carry encoded slashes (`action%2F…`): decoded as one id below.
  if (raw[0] && decodeSegment(raw[0]) === 'rcf') return rcfAllowed(privileges, raw.slice(1));
  const segments = raw.map(decodeSegment);
  if (segments.some((segment) => segment === undefined)) return false;
  const [connectorPath = '', actionPath = ''] = segments;
  return actionAllowed(privileges, connectorPath!, actionPath!);
}

function actionAllowed(privileges: readonly string[], connectorPath: string, actionPath: string): boolean {
  return privileges.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.startsWith(behavioursPrefix)) return false;
    const [allowedConnector, allowedAction] = pattern.split('/');
    if (allowedConnector !== connectorPath) return false;
    return allowedAction === '*' || allowedAction === actionPath || actionPath === checkHealthAction;
  });
}

function rcfAllowed(privileges: readonly string[], rest: string[]): boolean {
  const [resource, ...id] = rest;
  if ((resource === 'health' || resource === 'descriptor') && id.length === 0) return true;
  if (resource !== 'executions' || id.length === 0) return false;
  let executionId: string;
  try {
    executionId = id.map((segment) => decodeURIComponent(segment)).join('/');
  } catch {
    return false;
  }
  const [kind, first = '', second = ''] = executionId.split('/');
  if (kind === 'action') return actionAllowed(privileges, first, second);
  if (kind === 'health') return actionAllowed(privileges, first, checkHealthAction);
  if (kind === 'behaviour') return mayRunBehaviours(privileges, first, second);
  return false;
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
