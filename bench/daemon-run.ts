import { readdirSync, readFileSync } from 'node:fs';
import { callJson } from './http-client';
import { note, ProgressBar } from './progress';

export interface DaemonResult {
  connectors: number;
  /** From the definition PUT until GET /status shows every connector RUNNING; null when skipped or timed out. */
  secondsToAllRunning: number | null;
  /** RSS of the bench process, which hosts the worker (and the API) running every connector workflow. */
  workerRssMb: number | null;
  rssBeforeMb?: number;
  /** Highest RSS the process reached so far (the kernel's high-water mark, so the start-up peak is not missed by sampling). */
  workerRssPeakMb?: number;
  /** The worker's sticky workflow cache size (TETHER_WORKER_MAX_CACHED_WORKFLOWS); absent in runs before it existed (the SDK's default). */
  maxCachedWorkflows?: number;
  /** V8 heap in use at the end (the rest of the RSS is native: Temporal Core's caches, buffers). */
  heapUsedMb?: number;
  /** Seconds until the group's connectors all appeared in the status (started, whatever their state). */
  secondsToAllStarted?: number | null;
  statusCounts?: Record<string, number>;
  statusPolls?: number;
  /** Status calls that failed (e.g. timed out under load) while waiting, and the first one's message. */
  statusErrors?: number;
  firstStatusError?: string;
  /** Wall time of `GET …/status` listing every connector, measured after all were RUNNING (ms). */
  statusMs?: { p50: number; max: number; samples: number };
  /** CPU seconds from the configure call until all RUNNING: this process (worker, API, the bench's status polls) and the Temporal dev server. */
  startupCpuSeconds?: { process: number; temporal: number | null };
  /** CPU of this process per status call, median (ms): the API's read and rendering plus the bench parsing the answer. */
  statusCpuMs?: number;
  /** Load average (1 min) when all were RUNNING: the machine is shared, so times mean little without it. */
  loadAverage?: number;
  /** CPU of the whole process (worker, API, bench) while every connector idles between refreshes, % of one core. */
  idleCpuPercent?: number;
  /** CPU of the Temporal dev server over the same idle window, % of one core (null: its process was not found). */
  idleTemporalCpuPercent?: number | null;
  idleCpuSeconds?: number;
  /** The connectors' refresh interval (s). */
  refreshIntervalSeconds?: number;
  /**
   * Refreshes done during the idle window (sum of the connectors' refreshCount) and what each cost on average:
   * the idle CPU of the process and the Temporal server over the window, divided by them (ms). With more connectors
   * than the workflow cache holds, most refreshes begin with a replay of the connector's history.
   */
  idleRefreshes?: number;
  cpuMsPerRefresh?: { process: number; temporal: number | null };
  timedOut?: boolean;
  skipped?: string;
}

const SERVER = 'bench-daemon';
const METADATA_SERVER = 'bench-metadata';
const GROUP = 'bench-group';

/** Egeria's IntegrationDaemonStatusResponse (the parts the bench reads). */
interface StatusBody {
  relatedHTTPCode: number;
  integrationDaemonStatus?: { integrationGroupSummaries?: { integrationGroupName: string; integrationConnectorReports?: ConnectorReport[] }[] };
}

interface ConnectorReport {
  connectorStatus: string;
  refreshCount?: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * The daemon scale run (DESIGN §5): N integration connectors of the no-op `tether.bench` type in one group
 * definition, the group configured in one admin call, then GET /status until all are RUNNING.
 */
export async function runDaemonScale(options: {
  tetherUrl: string;
  adminToken: string;
  connectors: number;
  refreshSeconds: number;
  timeoutMs: number;
  idleSeconds: number;
  maxCachedWorkflows: number;
}): Promise<DaemonResult> {
  const { connectors } = options;
  const auth = { authorization: `Bearer ${options.adminToken}` };
  const url = (path: string) => new URL(path, options.tetherUrl);
  const definition = {
    connectors: Array.from({ length: connectors }, (_, i) => ({
      connectorName: `bench-${String(i).padStart(5, '0')}`,
      connectorType: 'tether.bench',
      configuration: {},
      refreshIntervalSeconds: options.refreshSeconds,
    })),
  };
  const rssBefore = process.memoryUsage().rss;
  const temporalPid = temporalServerPid();
  const cpuBefore = { process: process.cpuUsage(), temporal: cpuSecondsOf(temporalPid) };
  const started = Date.now();
  const put = await callJson('PUT', url(`/metadata/servers/${METADATA_SERVER}/integration-groups/${GROUP}`), definition, auth);
  if (put.status === 404 || put.status === 405) {
    return { connectors, secondsToAllRunning: null, workerRssMb: null, skipped: `daemon API not available (PUT group definition answered ${put.status})` };
  }
  if (put.status >= 300) throw new Error(`PUT group definition answered ${put.status}: ${JSON.stringify(put.body).slice(0, 300)}`);
  const configure = await callJson(
    'POST',
    url(`/open-metadata/admin-services/servers/${SERVER}/integration-groups/configuration`),
    { class: 'IntegrationGroupConfig', omagserverPlatformRootURL: options.tetherUrl, omagserverName: METADATA_SERVER, integrationGroupQualifiedName: GROUP },
    auth,
  );
  if (configure.status === 404 || configure.status === 405) {
    return { connectors, secondsToAllRunning: null, workerRssMb: null, skipped: `daemon API not available (configure answered ${configure.status})` };
  }
  // Egeria's envelope: HTTP 200, the outcome in relatedHTTPCode.
  if (configure.status >= 300 || (configure.body as { relatedHTTPCode?: number }).relatedHTTPCode !== 200) {
    throw new Error(`configure group answered ${configure.status}: ${JSON.stringify(configure.body).slice(0, 300)}`);
  }

  const statusUrl = url(`/servers/${SERVER}/open-metadata/integration-daemon/status`);
  const progress = new ProgressBar(connectors);
  let polls = 0;
  let statusErrors = 0;
  let firstStatusError: string | undefined;
  let lastListed: ConnectorReport[] = [];
  let allStartedAt: number | null = null;
  let counts: Record<string, number> = {};
  const deadline = started + options.timeoutMs;
  for (;;) {
    polls++;
    let listed: ConnectorReport[];
    try {
      listed = await groupConnectors(statusUrl, auth);
    } catch (err) {
      // A status call that fails under load is a finding, not the end of the run: count it and ask again.
      statusErrors++;
      firstStatusError ??= (err as Error).message.slice(0, 300);
      listed = lastListed;
    }
    lastListed = listed;
    counts = {};
    for (const connector of listed) counts[connector.connectorStatus] = (counts[connector.connectorStatus] ?? 0) + 1;
    if (allStartedAt === null && listed.length >= connectors) allStartedAt = Date.now();
    const running = counts.RUNNING ?? 0;
    progress.set(running, `daemon: ${running}/${connectors} RUNNING (${listed.length} started)`);
    const result = (secondsToAllRunning: number | null) => ({
      connectors,
      secondsToAllRunning,
      workerRssMb: mb(process.memoryUsage().rss),
      rssBeforeMb: mb(rssBefore),
      workerRssPeakMb: mb(process.resourceUsage().maxRSS * 1024),
      maxCachedWorkflows: options.maxCachedWorkflows,
      heapUsedMb: mb(process.memoryUsage().heapUsed),
      secondsToAllStarted: allStartedAt === null ? null : Math.round(((allStartedAt - started) / 1000) * 100) / 100,
      statusCounts: counts,
      statusPolls: polls,
      ...(statusErrors ? { statusErrors, firstStatusError } : {}),
    });
    if (running >= connectors) {
      progress.finish();
      const secondsToAllRunning = Math.round(((Date.now() - started) / 1000) * 100) / 100;
      const processCpu = process.cpuUsage(cpuBefore.process);
      const temporalCpu = cpuSecondsOf(temporalPid);
      const startupCpuSeconds = {
        process: round1((processCpu.user + processCpu.system) / 1e6),
        temporal: temporalCpu === null || cpuBefore.temporal === null ? null : round1(temporalCpu - cpuBefore.temporal),
      };
      const loadAverage = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
      const refreshesBefore = await refreshCount(statusUrl, auth);
      const { idleCpuPercent, idleTemporalCpuPercent } = await idleCpu(options.idleSeconds, temporalPid);
      const idleRefreshes = (await refreshCount(statusUrl, auth)) - refreshesBefore;
      const perRefresh = (percent: number) => round1(((percent / 100) * options.idleSeconds * 1000) / idleRefreshes);
      const cpuMsPerRefresh = idleRefreshes > 0 ? { process: perRefresh(idleCpuPercent), temporal: idleTemporalCpuPercent === null ? null : perRefresh(idleTemporalCpuPercent) } : undefined;
      const { statusMs, statusCpuMs } = await timedStatus(statusUrl, auth, connectors);
      return {
        ...result(secondsToAllRunning),
        idleCpuPercent,
        idleTemporalCpuPercent,
        idleCpuSeconds: options.idleSeconds,
        refreshIntervalSeconds: options.refreshSeconds,
        idleRefreshes,
        ...(cpuMsPerRefresh ? { cpuMsPerRefresh } : {}),
        statusMs,
        statusCpuMs,
        startupCpuSeconds,
        loadAverage,
      };
    }
    if (Date.now() > deadline) {
      progress.finish();
      note(`Daemon run timed out after ${Math.round(options.timeoutMs / 1000)} s: ${JSON.stringify(counts)}`);
      return { ...result(null), timedOut: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** CPU the process and the Temporal server use over `seconds` of idling (user + system, % of one core). */
async function idleCpu(seconds: number, temporalPid: number | null): Promise<{ idleCpuPercent: number; idleTemporalCpuPercent: number | null }> {
  const before = process.cpuUsage();
  const temporalBefore = cpuSecondsOf(temporalPid);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(before);
  const temporalAfter = cpuSecondsOf(temporalPid);
  const elapsedMs = performance.now() - t0;
  const percent = (cpuMs: number) => Math.round((cpuMs / elapsedMs) * 1000) / 10;
  return {
    idleCpuPercent: percent((used.user + used.system) / 1000),
    idleTemporalCpuPercent: temporalBefore === null || temporalAfter === null ? null : percent((temporalAfter - temporalBefore) * 1000),
  };
}

/** Times a few status calls listing every connector (each must list them all). */
async function timedStatus(statusUrl: URL, auth: Record<string, string>, connectors: number): Promise<{ statusMs: { p50: number; max: number; samples: number }; statusCpuMs: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const listed = (await groupConnectors(statusUrl, auth)).length;
    const used = process.cpuUsage(cpu0);
    times.push(performance.now() - t0);
    cpu.push((used.user + used.system) / 1000);
    if (listed < connectors) throw new Error(`GET status listed ${listed} of ${connectors} connectors`);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[2]!;
  return { statusMs: { p50: Math.round(median(times)), max: Math.round(Math.max(...times)), samples: times.length }, statusCpuMs: Math.round(median(cpu)) };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The Temporal dev server this process started (Linux: a descendant named `temporal`), for its CPU time; null elsewhere. */
function temporalServerPid(): number | null {
  try {
    const parents = new Map<number, number>();
    const names = new Map<number, string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
        parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
      } catch {
        // Gone meanwhile.
      }
    }
    const descends = (pid: number): boolean => {
      for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === process.pid) return true;
      return false;
    };
    return [...names].find(([pid, name]) => name === 'temporal' && descends(pid))?.[0] ?? null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process so far (Linux /proc); null when unknown. */
function cpuSecondsOf(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Refreshes done so far by the bench group's connectors. */
async function refreshCount(statusUrl: URL, auth: Record<string, string>): Promise<number> {
  return (await groupConnectors(statusUrl, auth)).reduce((sum, connector) => sum + (connector.refreshCount ?? 0), 0);
}

/** The bench group's connector reports from one `GET …/status`. */
async function groupConnectors(statusUrl: URL, auth: Record<string, string>): Promise<ConnectorReport[]> {
  const status = await callJson('GET', statusUrl, undefined, auth);
  const body = status.body as StatusBody;
  if (status.status !== 200 || body.relatedHTTPCode !== 200) throw new Error(`GET status answered ${status.status}: ${JSON.stringify(status.body).slice(0, 300)}`);
  const group = body.integrationDaemonStatus?.integrationGroupSummaries?.find((candidate) => candidate.integrationGroupName === GROUP);
  return group?.integrationConnectorReports ?? [];
}
