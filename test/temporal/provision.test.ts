import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalBinary, TemporalBinaryNotFoundError } from '../../src/temporal/provision';

describe('resolveTemporalBinary', () => {
  const scratch = () => mkdtempSync(join(tmpdir(), 'tether-provision-'));
  const fakeBinary = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'temporal');
    writeFileSync(path, '#!/bin/sh\necho fake\n');
    chmodSync(path, 0o755);
    return path;
  };

  it('uses TEMPORAL_CLI_PATH first, and names it when it is not executable', async () => {
    const binary = fakeBinary(scratch());
    await expect(resolveTemporalBinary({ explicitPath: binary, env: { PATH: '' } })).resolves.toBe(binary);
    await expect(resolveTemporalBinary({ explicitPath: '/nonexistent/temporal', env: {} })).rejects.toThrow(
      'TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file',
    );
  });

  it('prefers temporal on PATH over the cache', async () => {
    const onPath = fakeBinary(join(scratch(), 'bin'));
    const cache = scratch();
    fakeBinary(join(cache, 'tether', 'bin'));
    await expect(resolveTemporalBinary({ env: { PATH: join(onPath, '..'), XDG_CACHE_HOME: cache } })).resolves.toBe(onPath);
  });

  it('reuses a cached build without rebuilding', async () => {
    const cache = scratch();
    const cached = fakeBinary(join(cache, 'tether', 'bin'));
    await expect(resolveTemporalBinary({ env: { PATH: '', XDG_CACHE_HOME: cache } })).resolves.toBe(cached);
  });

  it('names every option when nothing works', async () => {
    const attempt = resolveTemporalBinary({ env: { PATH: '', XDG_CACHE_HOME: scratch() } });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryNotFoundError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_CLI_PATH.*`temporal` on PATH.*place a build at .*install Go.*no `go` on PATH.*TEMPORAL_ADDRESS/);
  });
});
