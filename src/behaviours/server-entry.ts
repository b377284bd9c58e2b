import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * The files of this folder the Behaviour Server is made of: the compiled package runs them as they are, and its
 * permission model lets the server read this folder and its packages only, so none may import another part of
 * Tether (test/behaviours/server-sources.test.ts checks the list against esbuild's view of the imports).
 */
export const behaviourServerSources = ['server-main.ts', 'protocol.ts', 'source-location.ts', 'lines.ts', 'limits.ts', 'network-guard.ts'];

/**
 * The script a Behaviour Server process runs. From the compiled package it is `server-main.js` beside this
 * file; run from TypeScript sources (tests, ts tooling) it is bundled once into `node_modules/.cache`, next
 * to the dependencies it loads (esbuild, pino), and rebuilt when the sources change.
 */
export function behaviourServerScript(): string {
  const compiled = join(__dirname, 'server-main.js');
  if (existsSync(compiled)) return compiled;
  const sources = behaviourServerSources.map((file) => join(__dirname, file));
  const outDir = join(__dirname, '..', '..', 'node_modules', '.cache', 'tether');
  const outfile = join(outDir, 'behaviour-server.js');
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (!existsSync(outfile) || statSync(outfile).mtimeMs < newest) {
    mkdirSync(outDir, { recursive: true });
    buildSync({ entryPoints: [sources[0]!], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
  }
  return outfile;
}
