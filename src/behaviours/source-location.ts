import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../contracts/behaviours';

/**
 * The first stack frame inside a version's own sources, relative to them (`orders/total.ts`, line 12).
 * Behaviour Servers run with `--enable-source-maps`, so frames already name the TypeScript sources.
 */
export function locationInSources(stack: string | undefined, sourcesDir: string): SourceLocation | undefined {
  for (const line of (stack ?? '').split('\n')) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const path = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    const file = relative(sourcesDir, path);
    if (file.startsWith('..') || file === '') continue;
    return { file: file.split(sep).join('/'), line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** `file:line` or `file:line:col`, as answers print it. */
export function formatLocation(location: SourceLocation | undefined, withColumn: boolean): string {
  if (!location) return '';
  return withColumn && location.column !== undefined ? `${location.file}:${location.line}:${location.column}` : `${location.file}:${location.line}`;
}
