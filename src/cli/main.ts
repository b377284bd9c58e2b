import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { SettingsError } from '../config/settings';
import type { ClusterCliOptions } from './cluster';
import { booleanOption, portOption, wholeNumber } from './options';
import { CommandFailed, ExitCode } from './exit';

/** Runs a command's body: a failure becomes one line on stderr and exit 1. */
function running(name: string, body: (...args: any[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    try {
      await body(...args);
    } catch (err) {
      if (!(err instanceof CommandFailed)) {
        console.error(err instanceof SettingsError ? err.message : `tether ${name} failed: ${(err as Error).message ?? err}`);
      }
      process.exit(ExitCode.failed);
    }
  };
}

/** The `tether` command line: one sub-command per process kind or tool; `dev` when none is named. */
export function buildProgram(): Command {
  const program = new Command('tether')
    .description('Connector server whose every moving part is a durable Temporal workflow')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    // Usage errors throw instead of exiting, so main() gives them their own exit code (2).
    .exitOverride()
    .showHelpAfterError('(run `tether --help` for the commands and their options)')
    .addHelpText('after', '\nExit codes: 0 done, 1 the command failed, 2 wrong command line.\nRun `tether <command> --help` for a command\'s options.');

  program
    .command('dev')
    .description('embedded Temporal dev server + worker + API in one process (what `npm start` runs)')
    .action(running('dev', async () => (await import('./dev')).runDev()));
  program
    .command('api')
    .description('the HTTP API (SPI, admin, metadata, operations) with an in-process worker; needs TEMPORAL_ADDRESS')
    .action(running('api', async () => (await import('./api')).runApi()));
  program
    .command('worker')
    .description('a Temporal worker for every Tether workflow and activity; needs TEMPORAL_ADDRESS')
    .action(running('worker', async () => (await import('./worker')).runWorker()));
  program
    .command('platform')
    .description('the reference platform hub that outbound connectors dial into')
    .action(running('platform', async () => void (await import('../platform/run')).runPlatform()));
  program
    .command('cluster')
    .description('PostgreSQL + temporal-server + N workers + M APIs: the compose topology without Docker (`npm run cluster`)')
    .option('--workers <n>', 'tether worker processes', wholeNumber('--workers', 1), 2)
    .option('--apis <n>', 'tether api processes', wholeNumber('--apis', 1), 2)
    .option('--api-worker <bool>', 'APIs run their own worker (eager start) or not (actions go to the workers); default TETHER_API_WORKER', booleanOption('--api-worker'))
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE if set, else tether)')
    .option('--temporal-port <port>', 'Temporal frontend port (0: a free one)', portOption('--temporal-port'), 7233)
    .option('--api-port <port>', 'port of the first API, the next ones follow (default PORT; 0: free ones)', portOption('--api-port'))
    .option('--worker-port <port>', "port of the first worker's /metrics and /health/live (0: free ones)", portOption('--worker-port'), 9464)
    .option('--postgres-url <url>', 'use this PostgreSQL (postgres://user:password@host:port) instead of the embedded one')
    .action(running('cluster', async (options: ClusterCliOptions) => (await import('./cluster')).runCluster(options)));
  program
    .command('replay')
    .description('replay workflow histories against the current code (non-determinism check); exit 1 on any failure')
    .argument('[paths...]', 'history files or folders of them (default: test/histories)')
    .option('-q, --query <query>', 'replay live executions matching this visibility query (needs TEMPORAL_ADDRESS)')
    .action(running('replay', async (paths: string[], options: { query?: string }) => (await import('./replay')).runReplay({ paths, query: options.query })));
  program
    .command('check-config')
    .description('check the settings and the config file (every plugin, every instance) as a start would, without starting; exit 1 on any problem')
    .argument('[file]', 'config file (default: TETHER_CONFIG, else tether.config.yaml here)')
    .action(running('check-config', async (file: string | undefined) => (await import('./check-config')).runCheckConfig(file)));
  const create = program.command('new').description('create something from a template');
  create
    .command('connector')
    .description('scaffold a connector plugin folder: definition, a test against a real local HTTP peer, a config snippet')
    .argument('<name>', 'connector name: lower-case letters, digits and dashes (e.g. acme)')
    .option('-d, --dir <folder>', 'where to create it', 'connectors/<name>')
    .action(running('new connector', async (name: string, options: { dir: string }) => (await import('./new-connector')).runNewConnector(name, options.dir)));
  const behaviours = program.command('behaviours').description('behaviours deployed on the platform hub (DESIGN §9)');
  behaviours
    .command('pull')
    .description('write the sources of the current behaviour version of a tenant and environment to a folder, for debugging (hub admin token in TETHER_PLATFORM_ADMIN_TOKEN)')
    .argument('<tenant>', 'tenant code')
    .argument('<environment>', 'environment code')
    .option('-p, --platform <url>', 'the platform hub (default: from TETHER_PLATFORM_URL)')
    .option('--version-id <version>', 'a version other than the current one')
    .option('-o, --out <folder>', 'where to write', 'behaviours/<tenant>/<environment>')
    .action(
      running('behaviours pull', async (tenant: string, environment: string, options: { platform?: string; versionId?: string; out: string }) =>
        (await import('./behaviours-pull')).runBehavioursPull({
          tenant,
          environment,
          platform: options.platform,
          version: options.versionId,
          out: options.out === 'behaviours/<tenant>/<environment>' ? undefined : options.out,
        }),
      ),
    );
  return program;
}

/** Entry point of the `tether` command (bin/tether.js). */
export async function main(argv: string[]): Promise<void> {
  try {
    // A bare `tether` is `tether dev` (what `npm start` runs).
    await buildProgram().parseAsync(argv.length ? argv : ['dev'], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Commander has printed the help, the version or the error (with a suggestion) already; help asked for
    // exits 0, help shown because the line was incomplete (`tether new`) is a usage error like any other.
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  }
}
