import type { Readable } from 'node:stream';

/** Longest line of a Behaviour Server's output relayed whole; a longer one is cut and its rest, up to the newline, dropped. */
export const MAX_OUTPUT_LINE = 16_384;

/**
 * Calls `onLine` for each line of a stream, holding at most MAX_OUTPUT_LINE characters: a behaviour writing
 * without newlines cannot grow the worker's memory.
 */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  let dropping = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      if (!dropping) onLine(pending + chunk.slice(start, end));
      pending = '';
      dropping = false;
      start = end + 1;
    }
    if (dropping) return;
    pending += chunk.slice(start);
    if (pending.length > MAX_OUTPUT_LINE) {
      onLine(`${pending.slice(0, MAX_OUTPUT_LINE)}… (cut)`);
      pending = '';
      dropping = true;
    }
  });
  stream.on('end', () => {
    if (pending && !dropping) onLine(pending);
  });
}

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
