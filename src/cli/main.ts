import { SettingsError } from '../config/settings';

const commands: Record<string, { describe: string; run: (args: string[]) => Promise<void> }> = {
  cluster: { describe: 'PostgreSQL + temporal-server + N workers + M APIs, the compose topology without Docker (`npm run cluster`)', run: async (args) => (await import('./cluster')).runCluster(args) },
  dev: { describe: 'embedded Temporal dev server + worker + API (what `npm start` runs)', run: async () => (await import('./dev')).runDev() },
  api: { describe: 'the HTTP API (SPI, admin, metadata, operations) with an in-process worker', run: async () => (await import('./api')).runApi() },
  platform: { describe: 'the reference platform hub that outbound connectors dial into', run: async () => void (await import('../platform/run')).runPlatform() },
  replay: { describe: 'replay recorded workflow histories against the current code (non-determinism check)', run: async (args) => (await import('./replay')).runReplay(args) },
  worker: { describe: 'a Temporal worker for every Tether workflow and activity', run: async () => (await import('./worker')).runWorker() },
};

function usage(): string {
  return ['Usage: tether <command>', '', ...Object.entries(commands).map(([name, { describe }]) => `  ${name.padEnd(10)} ${describe}`)].join('\n');
}

/** Entry point of the `tether` command: one line on stderr and exit 1 for any start-up error. */
export async function main(argv: string[]): Promise<void> {
  const [name = 'dev', ...args] = argv;
  const command = commands[name];
  if (!command) {
    console.error(name === '--help' || name === 'help' ? usage() : `Unknown command ${name}\n\n${usage()}`);
    process.exit(name === '--help' || name === 'help' ? 0 : 2);
  }
  try {
    await command.run(args);
  } catch (err) {
    const message = err instanceof SettingsError ? err.message : `tether ${name} failed: ${(err as Error).message ?? err}`;
    console.error(message);
    process.exit(1);
  }
}

