import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { build, type BuildFailure, type Loader, type Plugin, type TsconfigRaw } from 'esbuild';
import type { BuildError } from './protocol';

/** A version's build: TypeScript in `{dir}/src`, one CommonJS bundle with a source map in `{dir}/build`. */
export interface BuildOutcome {
  ok: boolean;
  error?: BuildError;
  durationMs: number;
}

/** Where a version's bundle is written (and what its Behaviour Server loads). */
export const bundleOf = (dir: string): string => join(dir, 'build', 'behaviour.js');

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const loaders: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json' };

// esbuild follows these to load an input's source map, from any path, into the output's map.
const sourceMapComment = /^[ \t]*(?:\/\/|\/\*)[#@][ \t]*sourceMappingURL=.*$/gm;

/**
 * Every module the bundle takes must be one of the deployed files: an import of `/etc/…`, of `../../other-tenant/…`
 * or through a tsconfig `paths` entry pointing outside is a build error at the import, so no file of the
 * connector's host can be bundled into a behaviour. Node's built-in modules stay external.
 */
function confinedTo(sourcesDir: string): Plugin {
  return {
    name: 'tether-confine-to-sources',
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'confined') return undefined;
        const resolved = await plugin.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'confined' });
        if (resolved.errors.length > 0 || resolved.external || inside(sourcesDir, resolved.path)) return resolved;
        return { errors: [{ text: `${JSON.stringify(args.path)} is outside the deployed files; a behaviour may import only its own files and Node's built-in modules` }] };
      });
      // Loaded here rather than by esbuild: without their sourceMappingURL comments, which could pull a map
      // from anywhere on the host (another tenant's build included) into this version's map.
      plugin.onLoad({ filter: /.*/ }, async (args) => {
        const loader = loaders[extname(args.path)];
        if (!loader || !inside(sourcesDir, args.path)) return undefined;
        return { contents: (await readFile(args.path, 'utf8')).replace(sourceMapComment, ''), loader };
      });
    },
  };
}

/**
 * Builds a version with esbuild, here in the Behaviours Manager: esbuild runs as a child process, which the
 * Behaviour Servers are not allowed to start (they run under Node's permission model).
 */
export async function buildVersion(dir: string, entry: string): Promise<BuildOutcome> {
  const started = performance.now();
  const sourcesDir = join(dir, 'src');
  try {
    await build({
      tsconfigRaw: await deployedTsconfig(sourcesDir),
      absWorkingDir: sourcesDir,
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundleOf(dir),
      sourcemap: 'linked',
      sourcesContent: true,
      logLevel: 'silent',
      plugins: [confinedTo(sourcesDir)],
    });
    return { ok: true, durationMs: performance.now() - started };
  } catch (err) {
    if (err instanceof TsconfigError) return { ok: false, error: { message: err.message, location: { file: 'tsconfig.json', line: 1 } }, durationMs: performance.now() - started };
    const first = (err as Partial<BuildFailure>).errors?.[0];
    const location = first?.location ? { file: first.location.file, line: first.location.line, column: first.location.column + 1 } : undefined;
    const error: BuildError = { message: first?.text ?? (err as Error)?.message ?? String(err), ...(location ? { location } : {}) };
    return { ok: false, error, durationMs: performance.now() - started };
  }
}

class TsconfigError extends Error {}

/**
 * The `compilerOptions` of the deployed `tsconfig.json` (when there is one), handed to esbuild so it reads no
 * tsconfig file itself: with it, `extends` could name any file of the host, and the build error would quote
 * that file's first token; and esbuild would also look for one in the folders above the version.
 */
async function deployedTsconfig(sourcesDir: string): Promise<TsconfigRaw> {
  let text: string;
  try {
    text = await readFile(join(sourcesDir, 'tsconfig.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { compilerOptions?: TsconfigRaw['compilerOptions'] };
    return parsed.compilerOptions ? { compilerOptions: parsed.compilerOptions } : {};
  } catch (err) {
    throw new TsconfigError(`tsconfig.json is not JSON (${(err as Error).message}); only its compilerOptions are used, and never extends`);
  }
}
