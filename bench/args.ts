import { parseArgs } from 'node:util';

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

/** The flags, declared for node:util's parseArgs; numbers and lists arrive as strings and are checked below. */
const flags = {
  quick: { type: 'boolean' },
  connectors: { type: 'string' },
  'refresh-seconds': { type: 'string' },
  'idle-seconds': { type: 'string' },
  'skip-daemon': { type: 'boolean' },
  'skip-behaviours': { type: 'boolean' },
  'daemon-only': { type: 'boolean' },
  ablations: { type: 'boolean' },
  'no-ablations': { type: 'boolean' },
  rounds: { type: 'string' },
  'segment-ms': { type: 'string' },
  only: { type: 'string' },
  concurrency: { type: 'string' },
  'cluster-scaling': { type: 'boolean' },
  'cluster-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseBenchArgs(argv: string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    // parseArgs names the flag (unknown, or missing its value).
    throw new BenchArgsError(`${(err as Error).message}\n${usage}`);
  }
  const { values, tokens } = parsed;
  if (values.help) throw new BenchArgsError(usage);
  const quick = values.quick === true;
  const count = (name: 'connectors' | 'refresh-seconds' | 'idle-seconds' | 'rounds' | 'segment-ms', fallback: number) =>
    values[name] === undefined ? fallback : positiveInt(`--${name}`, values[name]);
  // Of --ablations and --no-ablations, the last one given decides.
  const ablationsFlag = tokens.filter((token) => token.kind === 'option' && (token.name === 'ablations' || token.name === 'no-ablations')).at(-1);
  const only = values.only?.split(',').filter(Boolean);
  if (only && !only.length) throw new BenchArgsError(`--only needs variant names, e.g. --only tether,plain\n${usage}`);
  const args: BenchArgs = {
    quick,
    connectors: count('connectors', quick ? 200 : 1000),
    refreshSeconds: count('refresh-seconds', 3600),
    idleSeconds: count('idle-seconds', quick ? 5 : 15),
    skipDaemon: values['skip-daemon'] === true,
    skipBehaviours: values['skip-behaviours'] === true,
    daemonOnly: values['daemon-only'] === true,
    ablations: ablationsFlag?.kind === 'option' ? ablationsFlag.name === 'ablations' : !quick,
    rounds: count('rounds', quick ? 3 : 8),
    segmentMs: count('segment-ms', quick ? 1500 : 3000),
    warmupMs: quick ? 1000 : 3000,
    concurrencies: values.concurrency === undefined ? [1, 32] : values.concurrency.split(',').map((value) => positiveInt('--concurrency', value)),
    ...(only ? { only } : {}),
    clusterScaling: values['cluster-scaling'] === true || values['cluster-only'] === true,
    clusterOnly: values['cluster-only'] === true,
  };
  if (args.daemonOnly && args.skipDaemon) throw new BenchArgsError(`--daemon-only and --skip-daemon exclude each other\n${usage}`);
  return args;
}
