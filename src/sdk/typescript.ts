import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { transformSync } from 'esbuild';

type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;

/**
 * Lets `require` load TypeScript files (a plugin written in TypeScript, its test): each `.ts` file is
 * compiled on load by esbuild, one file at a time. Types are not checked here; `tsc` does that.
 * Leaves an existing `.ts` loader (ts-node, tsx, jest) in place.
 */
export function registerTypeScript(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  if (extensions['.ts']) return;
  process.setSourceMapsEnabled(true);
  extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename });
    module._compile(code, filename);
  };
}
