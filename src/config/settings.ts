import { z } from 'zod';

/** Raised when settings are invalid: one problem per line, each naming its setting. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

const port = z.coerce.number({ error: 'expected a port number (0-65535)' }).int('expected a port number (0-65535)').min(0).max(65535);
const positiveSeconds = z.coerce.number({ error: 'expected a number of seconds' }).positive();
const optionalText = z.string().trim().min(1).optional();

/**
 * A URL of one of these schemes without `user:password@`: these URLs are repeated where anyone may read them
 * (deep links in API answers, the platform link's workflow id, which Temporal keeps in clear, log lines).
 */
function urlSetting(schemes: RegExp, expected: string, credentials: string) {
  return z.url({ protocol: schemes, error: `expected ${expected}` }).refine((value) => {
    if (!URL.canParse(value)) return true; // already reported as invalid
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, `must not contain credentials (user:password@): ${credentials}`);
}
const linkUrl = urlSetting(/^https?$/, 'an http(s) URL', 'it is repeated in the links of API answers');

/**
 * Every environment setting Tether reads, in one schema (DESIGN §1, §6, §7).
 * Keys are the environment variable names so an error names exactly what to fix.
 */
export const SettingsSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: z.stringbool().default(false),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_CLI_PATH: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: linkUrl.optional(),
  TETHER_TASK_QUEUE: z.string().trim().min(1).default('tether'),
  /** Register Tether's search attributes in the namespace at start when missing (else refuse to start, naming the command). */
  TETHER_REGISTER_SEARCH_ATTRIBUTES: z.stringbool().default(false),
  /**
   * `tether api` runs an in-process worker (eager start: actions run in the API process, fastest) unless false
   * (API-only: actions go through the task queue to the `tether worker`s, so capacity grows with workers).
   */
  TETHER_API_WORKER: z.stringbool().default(true),
  /**
   * How many workflow runs a worker keeps in its sticky cache. The SDK's default grows with the heap (~2,300 on a
   * 4 GB heap) and, at 10,000 connectors starting at once, filled with half-started runs past 1.5 GB of RSS; 1,000
   * kept the peak at 1.2 GB at no cost in start time (README, Benchmark). Idle integration connectors beyond it are
   * evicted and replay their short history when their timer fires; actions finish within their first task.
   */
  TETHER_WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'expected a number of workflows (0-1000000)' })
    .int('expected a number of workflows (0-1000000)')
    .min(0, 'expected a number of workflows (0-1000000)')
    .max(1_000_000, 'expected a number of workflows (0-1000000)')
    .default(1000),

  TETHER_DATA_DIR: z.string().trim().min(1).default('./.tether'),
  TETHER_CONFIG: optionalText,
  TETHER_PUBLIC_URL: linkUrl.optional(),

  TETHER_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TETHER_SPI_USER: optionalText,
  TETHER_SPI_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  TETHER_SPI_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TETHER_CODEC_KEY: optionalText,

  /** How often a group reconciler re-reads its definition; changes to a local metadata server are pushed at once. */
  TETHER_DAEMON_POLL_SECONDS: positiveSeconds.default(5),

  TETHER_SYNC_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
  TETHER_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /**
   * Slow clients (src/api/http-server.ts): the API's and the platform hub's bounds on receiving a request's
   * headers, and all of it (1 MB at most), and on an idle keep-alive connection (above a balancer's 60 s).
   */
  TETHER_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  TETHER_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  TETHER_HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(65_000),

  TETHER_PLATFORM_URL: urlSetting(
    /^wss?$/,
    "a ws:// or wss:// URL (the hub's /connect)",
    "the connector authenticates with TETHER_CONNECTOR_ID and TETHER_CONNECTOR_SECRET, and the URL is part of the link workflow's id, which Temporal keeps in clear",
  ).optional(),
  TETHER_CONNECTOR_ID: optionalText,
  TETHER_CONNECTOR_SECRET: optionalText,
  TETHER_STARTUP_RETRY_SECONDS: positiveSeconds.default(60),
  TETHER_RECONNECT_WINDOW_SECONDS: positiveSeconds.default(86_400),
  TETHER_RECONNECT_INITIAL_SECONDS: positiveSeconds.default(1),
  TETHER_RECONNECT_MAX_INTERVAL_SECONDS: positiveSeconds.default(300),
  TETHER_RECONNECT_COEFFICIENT: z.coerce.number().min(1).default(2),

  /** `tether worker` (no API) serves GET /metrics and GET /health/live on this port when set. */
  TETHER_METRICS_PORT: port.min(1).optional(),
  /** The Temporal SDK's own Prometheus exporter binds 127.0.0.1 on this port; /metrics re-exports it. */
  TETHER_SDK_METRICS_PORT: port.min(1).optional(),

  /** Behaviours (DESIGN §9): where downloaded versions are kept (default `<os.tmpdir()>/tether`). */
  TETHER_BEHAVIOURS_DIR: optionalText,
  TETHER_BEHAVIOURS_MAX_BUILDS: z.coerce.number().int().min(1).max(1000).default(10),
  TETHER_BEHAVIOURS_LOCK: z.stringbool().default(false),
  TETHER_BEHAVIOURS_TIMEOUT_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  TETHER_BEHAVIOURS_MAX_OLD_SPACE_MB: z.coerce.number().int().min(32).max(65_536).default(256),
  TETHER_BEHAVIOURS_INSPECT: port.min(1).optional(),
  /** `none`: Behaviour Servers reach no network (own network namespace where the host allows, and an in-process guard). */
  TETHER_BEHAVIOURS_NETWORK: z.enum(['none', 'allow']).default('none'),

  PLATFORM_PORT: port.default(4000),
  TETHER_PLATFORM_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TETHER_PLATFORM_DATA: optionalText,
});

export type Settings = z.infer<typeof SettingsSchema>;

/** Rules that tie settings together; each answers the problem line, if any. Run on the raw environment. */
function combinationProblems(given: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const platformKeys = ['TETHER_PLATFORM_URL', 'TETHER_CONNECTOR_ID', 'TETHER_CONNECTOR_SECRET'] as const;
  const givenPlatformKeys = platformKeys.filter((key) => given[key] !== undefined);
  if (givenPlatformKeys.length > 0 && givenPlatformKeys.length < platformKeys.length) {
    for (const missing of platformKeys.filter((key) => given[key] === undefined)) {
      problems.push(`Invalid setting ${missing}: required when ${givenPlatformKeys.join(', ')} is set`);
    }
  }
  if (given.NODE_ENV === 'production' && typeof given.TETHER_PLATFORM_URL === 'string' && URL.canParse(given.TETHER_PLATFORM_URL)) {
    const url = new URL(given.TETHER_PLATFORM_URL);
    // A TLS sidecar on this machine may take ws:// on loopback; anywhere else the link must be wss://.
    if (url.protocol === 'ws:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      problems.push(
        'Invalid setting TETHER_PLATFORM_URL: must be wss:// when NODE_ENV=production (over ws:// the connector secret and every relayed call travel in clear, and whoever sits in between can run any action of this connector)',
      );
    }
  }
  if ((given.TETHER_SPI_USER === undefined) !== (given.TETHER_SPI_PASSWORD === undefined)) {
    const missing = given.TETHER_SPI_USER === undefined ? 'TETHER_SPI_USER' : 'TETHER_SPI_PASSWORD';
    problems.push(`Invalid setting ${missing}: TETHER_SPI_USER and TETHER_SPI_PASSWORD go together`);
  }
  return problems;
}

/** Parses settings from an environment; throws one SettingsError listing every bad setting, one line each. */
export function parseSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const relevant = Object.fromEntries(
    Object.keys(SettingsSchema.shape)
      .map((key) => [key, env[key] === '' ? undefined : env[key]])
      .filter(([, value]) => value !== undefined),
  );
  const result = SettingsSchema.safeParse(relevant);
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const issue of result.error?.issues ?? []) {
    const key = String(issue.path[0] ?? 'environment');
    // One line per setting: the first reason is the one to fix.
    if (!reported.has(key)) problems.push(`Invalid setting ${key}: ${issue.message}`);
    reported.add(key);
  }
  problems.push(...combinationProblems(relevant));
  if (result.success && result.data.TETHER_HTTP_HEADERS_TIMEOUT_MS > result.data.TETHER_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('Invalid setting TETHER_HTTP_HEADERS_TIMEOUT_MS: must not exceed TETHER_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (problems.length > 0 || !result.success) throw new SettingsError(problems);
  return result.data;
}
