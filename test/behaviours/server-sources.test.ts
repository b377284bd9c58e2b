import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { behaviourServerSources } from '../../src/behaviours/server-entry';

const folder = join(__dirname, '..', '..', 'src', 'behaviours');

/**
 * The compiled Behaviour Server is `server-main.js` beside its sibling modules, run under Node's permission model
 * with read access to that folder and the packages only: a module it imports from elsewhere in Tether (say, a limit
 * moved to src/contracts) would load from sources in tests, which bundle it, and fail only in the built package.
 */
describe('the Behaviour Server sources', () => {
  const { metafile } = buildSync({ entryPoints: [join(folder, 'server-main.ts')], bundle: true, platform: 'node', packages: 'external', write: false, metafile: true, logLevel: 'silent', absWorkingDir: folder });
  const inputs = Object.keys(metafile!.inputs).map((path) => relative(folder, join(folder, path)));
  const external = Object.values(metafile!.inputs).flatMap((input) => input.imports.filter((imported) => imported.external).map((imported) => imported.path));

  it('import only files of their own folder that server-entry lists (so a change to one rebuilds the server)', () => {
    expect(inputs).toContain('server-main.ts');
    expect(inputs.filter((file) => !behaviourServerSources.includes(file))).toEqual([]);
    expect(external.filter((path) => /^[./]/.test(path))).toEqual([]);
  });

  it('import no package but pino, beside Node built-ins', () => {
    expect([...new Set(external.filter((path) => !isBuiltin(path) && !/^[./]/.test(path)))]).toEqual(['pino']);
  });
});
