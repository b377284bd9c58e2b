import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/** The CLI release we build: the newest v1.5.x whose go.mod has no replace directive (DESIGN §2). */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Raised when no way to obtain the `temporal` binary worked; the message names every option. */
export class TemporalBinaryNotFoundError extends Error {
  override readonly name = 'TemporalBinaryNotFoundError';
}

export interface ProvisionOptions {
  /** TEMPORAL_CLI_PATH, when set. */
  explicitPath?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Where Tether keeps its own build of the CLI: ${XDG_CACHE_HOME:-$HOME/.cache}/tether/bin. */
export function temporalCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tether', 'bin');
}

export interface GoInstall {
  go: string;
  /** Packages with versions (`module/cmd/x@vX.Y.Z`), built in one `go install`. */
  packages: string[];
  /** Where the binaries go (GOBIN). */
  binDir: string;
  ldflags: string;
  /** What is being built, for progress lines. */
  what: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** `go install`s pure-Go binaries (no cgo) into binDir, printing progress every 15 s. */
export async function goInstall({ go, packages, binDir, ldflags, what, env, log }: GoInstall): Promise<void> {
  mkdirSync(binDir, { recursive: true });
  log(`Building ${what} with Go into ${binDir} (once; the first build takes a few minutes)…`);
  const args = ['install', '-trimpath', '-ldflags', ldflags, ...packages];
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, args, {
      env: { ...env, CGO_ENABLED: '0', GOBIN: binDir, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ticker = setInterval(() => log(`  …still building ${what} (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`go install exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  log(`Built ${what} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * Resolves the `temporal` binary in the order of DESIGN §2: TEMPORAL_CLI_PATH, `temporal` on PATH,
 * a cached build, a fresh `go install`. Throws one error naming every option when none works.
 */
export async function resolveTemporalBinary(options: ProvisionOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.explicitPath) {
    if (isExecutable(options.explicitPath)) return options.explicitPath;
    throw new TemporalBinaryNotFoundError(`TEMPORAL_CLI_PATH=${options.explicitPath} is not an executable file`);
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return onPath;
  const cacheDir = temporalCacheDir(env);
  const cached = join(cacheDir, 'temporal');
  if (isExecutable(cached)) return cached;
  const go = findOnPath('go', env);
  let goFailure = 'no `go` on PATH';
  if (go) {
    try {
      await goInstall({
        go,
        packages: [`github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
        binDir: cacheDir,
        ldflags: `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        what: `the Temporal CLI v${TEMPORAL_CLI_VERSION}`,
        env,
        log,
      });
      if (existsSync(cached)) return cached;
      goFailure = 'go install finished but produced no binary';
    } catch (err) {
      goFailure = `go install failed (${(err as Error).message}); check \`go env GOPROXY GOSUMDB\``;
    }
  }
  throw new TemporalBinaryNotFoundError(
    'No Temporal CLI found. Options: (1) set TEMPORAL_CLI_PATH to a `temporal` binary; (2) put `temporal` on PATH; ' +
      `(3) place a build at ${cached}; (4) install Go so Tether can build v${TEMPORAL_CLI_VERSION} once (${goFailure}); ` +
      'or set TEMPORAL_ADDRESS to use an existing Temporal cluster.',
  );
}

/** Reports the version a binary prints, for start-up logs. */
export async function temporalVersion(binary: string): Promise<string> {
  const { stdout } = await promisify(execFile)(binary, ['--version']);
  return stdout.trim();
}
