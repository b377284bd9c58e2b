import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The workflow sandbox rules, enforced by a machine rather than by memory: workflow code imports activities
 * as types only, and at runtime reaches nothing but the workflow SDK and zod-free, Node-free modules.
 */
const workflowsDir = resolve(__dirname, '../../src/workflows');
const runtimeImport = /^import\s+(?!type\b)[^'";]*?from\s+'([^']+)';/gms;
const anyImport = /^import\s+(type\s+)?[^'";]*?from\s+'([^']+)';/gms;

function runtimeImportsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(runtimeImport)].map((match) => match[1]!);
}

/** Every file a workflow file reaches at runtime, following relative imports. */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const specifier of runtimeImportsOf(entry)) {
    if (specifier.startsWith('.')) reachable(`${resolve(dirname(entry), specifier)}.ts`, seen);
  }
  return seen;
}

const workflowFiles = readdirSync(workflowsDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(workflowsDir, name));

describe('workflow sandbox rules', () => {
  it.each(workflowFiles.map((file) => [file.slice(workflowsDir.length + 1), file]))('%s imports activities as types only', (_, file) => {
    const activityImports = [...readFileSync(file, 'utf8').matchAll(anyImport)].filter((match) => match[2]!.includes('/activities/'));
    expect(activityImports.filter((match) => !match[1]).map((match) => match[0])).toEqual([]);
  });

  it('reaches only the workflow SDK and relative modules that themselves import no Node built-ins and no zod', () => {
    const files = new Set(workflowFiles.flatMap((file) => [...reachable(file)]));
    const offending = [...files].flatMap((file) =>
      runtimeImportsOf(file)
        .filter((specifier) => !specifier.startsWith('.') && specifier !== '@temporalio/workflow')
        .map((specifier) => `${file.replace(/.*\/src\//, 'src/')}: ${specifier}`),
    );
    expect(offending).toEqual([]);
    expect(files.size).toBeGreaterThan(workflowFiles.length);
  });
});
