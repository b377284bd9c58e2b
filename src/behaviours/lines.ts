import type { Readable } from 'node:stream';

/**
 * Calls `onLine` for each line of a stream, holding at most `maxChars` characters of one line: past that,
 * `onTooLong` gets what was held and the rest of the line is dropped, so a peer writing without newlines
 * cannot grow this process's memory.
 */
export function eachLine(stream: Readable, maxChars: number, onLine: (line: string) => void, onTooLong: (start: string) => void): void {
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
    if (pending.length > maxChars) {
      onTooLong(pending.slice(0, maxChars));
      pending = '';
      dropping = true;
    }
  });
  stream.on('end', () => {
    if (pending && !dropping) onLine(pending);
  });
}
