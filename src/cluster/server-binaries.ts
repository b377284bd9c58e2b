import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, goInstall, isExecutable, temporalCacheDir } from '../temporal/provision';

/** The server release `tether cluster` runs: the one the Temporal CLI v1.5.1 of `npm start` embeds. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const serverModule = 'go.temporal.io/server';

export interface ServerBinaries {
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql): creates and upgrades the schemas. */
  sqlTool: string;
  /** The PostgreSQL schemas shipped in the server module (`schema/postgresql/v12`). */
  postgresSchemaDir: string;
}

/**
 * Builds the Temporal server and its SQL schema tool once with `go install` (pure Go, no cgo) into
 * `${XDG_CACHE_HOME:-~/.cache}/tether/bin/temporal-server-<version>/` and finds the schemas in the Go module
 * cache (DESIGN §10). Later runs reuse the binaries; the schemas come from `go mod download` (a no-op when cached).
 */
export async function resolveServerBinaries(options: { env?: NodeJS.ProcessEnv; log: (line: string) => void }): Promise<ServerBinaries> {
  const env = options.env ?? process.env;
  const go = findOnPath('go', env);
  if (!go) {
    throw new Error(
      `tether cluster needs Go to build temporal-server v${TEMPORAL_SERVER_VERSION} once (and to read its schemas): install Go, or run the compose file where Docker is available`,
    );
  }
  const binDir = join(temporalCacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const server = join(binDir, 'server');
  const sqlTool = join(binDir, 'sql');
  if (!isExecutable(server) || !isExecutable(sqlTool)) {
    await goInstall({
      go,
      packages: [`${serverModule}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${serverModule}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
      binDir,
      ldflags: '-s -w',
      what: `temporal-server and temporal-sql-tool v${TEMPORAL_SERVER_VERSION}`,
      env,
      log: options.log,
    });
  }
  // Outside any module, `go mod download -json` names the module's folder in the module cache.
  const { stdout } = await promisify(execFile)(go, ['mod', 'download', '-json', `${serverModule}@v${TEMPORAL_SERVER_VERSION}`], {
    env: { ...env, GOFLAGS: '-mod=mod' },
    cwd: binDir,
  });
  const postgresSchemaDir = join((JSON.parse(stdout) as { Dir: string }).Dir, 'schema', 'postgresql', 'v12');
  if (!existsSync(postgresSchemaDir)) throw new Error(`No PostgreSQL schemas at ${postgresSchemaDir}`);
  return { server, sqlTool, postgresSchemaDir };
}
