import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = join(__dirname, '..', '..');

/**
 * Tether laid out as an installed package holds it: package.json, bin/ and dist/ built by `tsc` (what
 * `npm run build` does), dependencies linked. Tests run its real `bin/tether.js` as a child process.
 */
export async function buildTetherPackage(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tether-package-'));
  cpSync(join(repo, 'package.json'), join(root, 'package.json'));
  cpSync(join(repo, 'bin'), join(root, 'bin'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(root, 'dist')]);
  return root;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tether <args>` from a built package; resolves with the exit code and output, whatever the code. */
export async function runTether(packageRoot: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(packageRoot, 'bin', 'tether.js'), ...args], { cwd: options.cwd ?? packageRoot, env: options.env ?? process.env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failure = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw err;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
