/** Command-line flags of `npm run bench`. */
export interface BenchArgs {
  quick: boolean;
  /** Integration connectors of the daemon scale run. */
  connectors: number;
  /** Their refresh interval (an hour by default: the idle window then holds no refresh). */
  refreshSeconds: number;
  /** How long the daemon run measures idle CPU once all are RUNNING; with a short refreshSeconds, what refreshes cost. */
  idleSeconds: number;
  skipDaemon: boolean;
  /** Skip the behaviours part (hub + connector: deploy-to-first-call, behaviour vs action through the hub). */
  skipBehaviours: boolean;
  /** Only the daemon scale run (no latency measurement). */
  daemonOnly: boolean;
  /** Also measure the A/B variants (one difference each from tether or tuned); off by default in --quick, to stay under 2 min. */
  ablations: boolean;
  /** Measured rounds; each runs every variant at every concurrency once, in a rotating order. */
  rounds: number;
  /** Length of one measured segment (one variant, one concurrency, one round). */
  segmentMs: number;
  /** Unrecorded warm-up per variant and concurrency. */
  warmupMs: number;
  concurrencies: number[];
  /** Measure only these variants (default: all). */
  only?: string[];
  /** Also measure actions/s on the cluster topology with 1 and 2 workers (bench/cluster-scaling.ts). */
  clusterScaling: boolean;
  /** Only that cluster measurement. */
  clusterOnly: boolean;
}

const usage = `Usage: npm run bench -- [--quick] [--connectors N] [--refresh-seconds N] [--idle-seconds N] [--skip-daemon] [--skip-behaviours] [--daemon-only] [--ablations | --no-ablations] [--rounds N] [--segment-ms N] [--only v1,v2] [--concurrency 1,32] [--cluster-scaling | --cluster-only]`;

/** Raised for an unknown flag or a bad value; the message names the flag. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

function positiveInt(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new BenchArgsError(`${flag} must be a positive integer, got ${value ?? 'nothing'}\n${usage}`);
  return parsed;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const args: BenchArgs = {
    quick,
    connectors: quick ? 200 : 1000,
    refreshSeconds: 3600,
    idleSeconds: quick ? 5 : 15,
    skipDaemon: false,
    skipBehaviours: false,
    daemonOnly: false,
    ablations: !quick,
    rounds: quick ? 3 : 8,
    segmentMs: quick ? 1500 : 3000,
    warmupMs: quick ? 1000 : 3000,
    concurrencies: [1, 32],
    clusterScaling: false,
    clusterOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--quick':
        break;
      case '--connectors':
        args.connectors = positiveInt(flag, argv[++i]);
        break;
      case '--refresh-seconds':
        args.refreshSeconds = positiveInt(flag, argv[++i]);
        break;
      case '--idle-seconds':
        args.idleSeconds = positiveInt(flag, argv[++i]);
        break;
      case '--skip-daemon':
        args.skipDaemon = true;
        break;
      case '--skip-behaviours':
        args.skipBehaviours = true;
        break;
      case '--daemon-only':
        args.daemonOnly = true;
        break;
      case '--no-ablations':
        args.ablations = false;
        break;
      case '--ablations':
        args.ablations = true;
        break;
      case '--rounds':
        args.rounds = positiveInt(flag, argv[++i]);
        break;
      case '--segment-ms':
        args.segmentMs = positiveInt(flag, argv[++i]);
        break;
      case '--only':
        args.only = (argv[++i] ?? '').split(',').filter(Boolean);
        if (!args.only.length) throw new BenchArgsError(`--only needs variant names, e.g. --only tether,plain\n${usage}`);
        break;
      case '--concurrency':
        args.concurrencies = (argv[++i] ?? '').split(',').map((value) => positiveInt('--concurrency', value));
        break;
      case '--cluster-scaling':
        args.clusterScaling = true;
        break;
      case '--cluster-only':
        args.clusterScaling = true;
        args.clusterOnly = true;
        break;
      case '--help':
      case '-h':
        throw new BenchArgsError(usage);
      default:
        throw new BenchArgsError(`Unknown flag ${flag}\n${usage}`);
    }
  }
  if (args.daemonOnly && args.skipDaemon) throw new BenchArgsError(`--daemon-only and --skip-daemon exclude each other\n${usage}`);
  return args;
}
