/** Longest line of a Behaviour Server's output relayed whole (see eachLine); a longer one is cut. */
export const MAX_OUTPUT_LINE = 16_384;

/**
 * A line of a server's output as the worker writes it: the server's JSON log line (text becomes `msg`) with
 * `component`, `pid`, `tenant` and `environment` set from the manager's own record, so a behaviour writing on
 * stdout cannot pass for the worker or for another tenant.
 */
export function scopedLine(line: string, scope: { pid?: number; tenant: string; environment: string }): string {
  let record: Record<string, unknown> = { level: 30, msg: line };
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: kept as the message.
  }
  return JSON.stringify({ ...record, component: 'behaviour-server', pid: scope.pid, tenant: scope.tenant, environment: scope.environment });
}
