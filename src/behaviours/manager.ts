import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BehaviourRequest } from '../contracts/behaviour-workflows';
import type { BehaviourBundle, CurrentBehaviour, SourceLocation } from '../contracts/behaviours';
import { SettingsError } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { metrics } from '../metrics';
import { runConnectionCall } from './connection-calls';
import {
  BehaviourBuildError,
  BehaviourNotFoundError,
  BehaviourServerDiedError,
  BehaviourThrewError,
  BehaviourTimeoutError,
  BehaviourUnavailableError,
} from './errors';
import { buildVersion, bundleOf, type BuildOutcome } from './build-version';
import { cutMessage, MAX_RECORDED_OUTPUT_BYTES, outputTooLarge } from './limits';
import type { ConnectionCallMessage, LoadedMessage } from './protocol';
import { BehaviourServerProcess, CallTimeoutError, ServerDiedError } from './server-process';
import { VersionFiles } from './version-files';
import { networkIsolation, type BehavioursNetworkSetting, type NetworkIsolation } from './network-isolation';

export interface BehavioursSettings {
  dir: string;
  maxBuilds: number;
  lock: boolean;
  timeoutMs: number;
  maxOldSpaceMb: number;
  inspectPort?: number;
  network: BehavioursNetworkSetting;
}

/** Downloads one version from the platform (over the link that announced it). */
export type BundleFetcher = (tenant: string, environment: string, version: string) => Promise<BehaviourBundle>;

interface Scope {
  tenant: string;
  environment: string;
  current?: string;
  /** Settles when the latest announced version is on disk and built (or failed to). */
  settled: Promise<void>;
  lastBuildError?: { version: string; message: string; location?: SourceLocation; at: string };
}

/** What a call needs before it starts its execution: the version and what it exports. */
export interface PreparedScope {
  version: string;
  exports: string[];
}

/**
 * The Behaviours Manager (seed 000 §3, DESIGN §9), in the worker process: keeps the current version of each
 * tenant and environment, downloads and writes versions, and hands builds and calls to Behaviour Server child
 * processes. Each server runs the versions of one tenant and environment only (a behaviour can read anything in
 * its own process, so tenants never share one), and that recorded scope is what a behaviour's connection calls
 * are checked against. A server takes `maxBuilds` builds, then a new one for the scope takes the next; an old
 * server exits once no call runs on it and no current version lives in it. A call past its timeout kills its server.
 */
export class BehavioursManager {
  /** The task queue this manager's behaviour activities poll: unique to this process, which holds the versions. */
  readonly taskQueue: string;
  readonly files: VersionFiles;
  private readonly scopes = new Map<string, Scope>();
  /** Build outcomes by version folder: a version is built once per process, whichever server loads it. */
  private readonly builds = new Map<string, Promise<BuildOutcome>>();
  private readonly servers: BehaviourServerProcess[] = [];
  /** The server taking new builds, per tenant and environment. */
  private readonly active = new Map<string, BehaviourServerProcess>();
  private serversStarted = 0;
  private closed = false;
  /** Decided once, in init(): whether this host lets servers start in their own network namespace. */
  private network: NetworkIsolation = { mode: 'none (in-process)', wrap: (command, args) => ({ command, args }) };

  constructor(
    readonly settings: BehavioursSettings,
    private readonly registry: ConnectorRegistry,
    private readonly log: Logger,
    baseTaskQueue: string,
  ) {
    this.files = new VersionFiles(settings.dir);
    this.taskQueue = `${baseTaskQueue}/behaviours/${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  }

  /** Takes the current versions an earlier run recorded (so a locked connector keeps serving them). */
  async init(): Promise<void> {
    const unfit = await this.files.claimRoot();
    if (unfit) throw new SettingsError(`Invalid setting TETHER_BEHAVIOURS_DIR: ${unfit}`);
    for (const current of await this.files.currents()) this.scopeOf(current.tenant, current.environment).current = current.version;
    this.network = networkIsolation(this.settings.network);
    if (this.network.mode === 'allow') {
      this.log.warn({ network: this.network.mode }, 'TETHER_BEHAVIOURS_NETWORK=allow: behaviours can reach any host the worker can, the Temporal frontend included');
    } else if (this.network.mode === 'none (in-process)') {
      this.log.info({ network: this.network.mode }, 'behaviours have no network: this host refuses network namespaces (unshare), so only the in-process guard keeps them off it');
    } else {
      this.log.info({ network: this.network.mode }, 'behaviours have no network: each Behaviour Server runs in its own network namespace');
    }
  }

  /**
   * The platform announced current versions. Each is downloaded if new, written to disk and built; calls for
   * the scope wait until then, so a call sent after a deploy runs the deployed version. Locked: ignored.
   * `fetch` downloads over the link that made the announcement.
   */
  announce(currents: CurrentBehaviour[], fetch: BundleFetcher): void {
    for (const announced of currents) {
      const scope = this.scopeOf(announced.tenant, announced.environment);
      if (this.settings.lock) {
        this.log.info({ ...announced, kept: scope.current }, 'TETHER_BEHAVIOURS_LOCK: not taking the announced version');
        continue;
      }
      const previous = scope.settled;
      scope.settled = previous.then(() => this.install(scope, announced.version, fetch)).catch((err) => {
        this.log.error({ err, ...announced }, 'installing a behaviour version failed');
      });
    }
  }

  /** The current version of a scope and its exports, once its latest announcement is installed. */
  async prepare(tenant: string, environment: string): Promise<PreparedScope> {
    const scope = this.scopes.get(key(tenant, environment));
    await scope?.settled;
    if (!scope?.current) throw new BehaviourUnavailableError(`No behaviours are deployed for ${tenant}/${environment} on this connector`);
    const { built } = await this.host(tenant, environment, scope.current);
    if (!built.ok) throw buildErrorOf(scope.current, built);
    return { version: scope.current, exports: built.exports ?? [] };
  }

  /** Runs one call on a server of its scope holding its version (loading it there first if no live server has it). */
  async run(request: BehaviourRequest, executionId: string, signal?: AbortSignal): Promise<unknown> {
    const { tenant, environment, version, name } = request;
    const { server, built } = await this.host(tenant, environment, version);
    if (!built.ok || !server) throw buildErrorOf(version, built);
    try {
      const result = await server.call({ version, name, input: request.input, tenant, environment, executionId }, request.timeoutMs, signal);
      if (result.ok) return boundedOutput(result.output);
      if (result.error?.notFound) throw new BehaviourNotFoundError(name, version, result.error.exports ?? []);
      throw new BehaviourThrewError(cutMessage(result.error?.message ?? 'The behaviour failed'), result.error?.location, result.error?.name?.slice(0, 200));
    } catch (err) {
      if (err instanceof CallTimeoutError) throw new BehaviourTimeoutError(err.message);
      if (err instanceof ServerDiedError) throw new BehaviourServerDiedError(err.message);
      throw err;
    } finally {
      this.sweep();
    }
  }

  /** What `GET /admin/behaviours` shows. */
  async status() {
    const servers = await Promise.all(
      this.servers.map(async (server) => ({
        pid: server.pid,
        tenant: server.tenant,
        environment: server.environment,
        started: server.started.toISOString(),
        builds: server.builds,
        versions: [...server.loaded.keys()],
        inflight: server.inflight,
        draining: server.draining,
        rss: await server.rss(),
      })),
    );
    const scopes = await Promise.all(
      [...this.scopes.values()].map(async (scope) => ({
        tenant: scope.tenant,
        environment: scope.environment,
        current: scope.current ?? null,
        versions: await this.files.versions(scope.tenant, scope.environment),
        ...(scope.lastBuildError ? { lastBuildError: scope.lastBuildError } : {}),
      })),
    );
    return {
      dir: this.settings.dir,
      maxBuilds: this.settings.maxBuilds,
      locked: this.settings.lock,
      timeoutMs: this.settings.timeoutMs,
      network: this.network.mode,
      manager: { pid: process.pid, rss: process.memoryUsage().rss },
      servers,
      scopes,
    };
  }

  /** Live server processes (for tests and the status view). */
  liveServers(): BehaviourServerProcess[] {
    return [...this.servers];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const server of [...this.servers]) server.kill('the connector is stopping');
  }

  private scopeOf(tenant: string, environment: string): Scope {
    const id = key(tenant, environment);
    let scope = this.scopes.get(id);
    if (!scope) {
      scope = { tenant, environment, settled: Promise.resolve() };
      this.scopes.set(id, scope);
    }
    return scope;
  }

  private async install(scope: Scope, version: string, fetch: BundleFetcher): Promise<void> {
    const { tenant, environment } = scope;
    if (!(await this.files.read(tenant, environment, version))) await this.files.write(tenant, environment, await fetch(tenant, environment, version));
    scope.current = version;
    await this.files.setCurrent({ tenant, environment, version });
    const { built } = await this.host(tenant, environment, version);
    if (!built.ok) {
      scope.lastBuildError = { version, message: built.error?.message ?? 'build failed', location: built.error?.location, at: new Date().toISOString() };
      this.log.warn({ tenant, environment, version, error: scope.lastBuildError }, 'behaviour version does not build');
    }
    this.log.info({ tenant, environment, version, ok: built.ok }, 'behaviour version current');
    this.sweep();
  }

  /**
   * A live server of the scope with the version loaded, loading it on the scope's active server when none has
   * it; the version is built first (once per process). `built.ok` false: it did not build, or did not load.
   */
  private async host(tenant: string, environment: string, version: string): Promise<{ server?: BehaviourServerProcess; built: LoadedMessage }> {
    // Versions are content hashes: two scopes deploying the same files share a version id, never a server.
    for (const server of this.servers) {
      const loaded = server.loaded.get(version);
      if (loaded && server.alive && server.tenant === tenant && server.environment === environment) return { server, built: await loaded };
    }
    const dir = this.files.dirOf(tenant, environment, version);
    const outcome = await this.build(tenant, environment, version);
    if (!outcome.ok) return { built: { type: 'loaded', version, ok: false, error: outcome.error } };
    const server = this.activeServer(tenant, environment);
    const built = await server.load(version, bundleOf(dir), join(dir, 'src'));
    if (!server.alive) throw new BehaviourServerDiedError(`The behaviour server died while loading version ${version}`);
    return { server, built };
  }

  /** Builds a version once in this process (its bundle is on disk for every later server of the scope). */
  private build(tenant: string, environment: string, version: string): Promise<BuildOutcome> {
    const dir = this.files.dirOf(tenant, environment, version);
    let outcome = this.builds.get(dir);
    if (!outcome) {
      outcome = (async () => {
        const description = await this.files.read(tenant, environment, version);
        if (!description) throw new BehaviourUnavailableError(`Version ${version} of ${tenant}/${environment} is not on this connector`);
        const built = await buildVersion(dir, description.entry);
        metrics.recordBehaviourBuild(built.ok ? 'succeeded' : 'failed', built.durationMs / 1000);
        return built;
      })();
      this.builds.set(dir, outcome);
      // Not on disk (yet): the next ask tries again.
      outcome.catch(() => this.builds.delete(dir));
    }
    return outcome;
  }

  /** The scope's server taking new builds: a new one when there is none, it died, or it reached its builds. */
  private activeServer(tenant: string, environment: string): BehaviourServerProcess {
    if (this.closed) throw new BehaviourUnavailableError('The connector is stopping');
    const id = key(tenant, environment);
    const active = this.active.get(id);
    if (active?.alive && active.builds < this.settings.maxBuilds) return active;
    if (active) active.draining = true;
    const inspectPort = this.settings.inspectPort === undefined ? undefined : this.settings.inspectPort + this.serversStarted;
    this.serversStarted += 1;
    const server: BehaviourServerProcess = new BehaviourServerProcess({
      tenant,
      environment,
      scopeDir: join(this.settings.dir, tenant, environment),
      maxOldSpaceMb: this.settings.maxOldSpaceMb,
      inspectPort,
      logLevel: this.log.level,
      network: this.network,
      onConnectionCall: (message) => void this.connectionCall(server, message),
      onInvalidMessage: (problem) => this.log.warn({ pid: server.pid, tenant, environment, problem }, 'behaviour server sent a message outside the protocol; ignored'),
      onExit: (ended, expected, why) => this.ended(ended, expected, why),
    });
    this.servers.push(server);
    this.active.set(id, server);
    metrics.setBehaviourServers(this.servers.length);
    if (inspectPort === undefined) this.log.info({ pid: server.pid, tenant, environment }, 'behaviour server started');
    else this.log.warn({ pid: server.pid, tenant, environment, inspectPort }, 'behaviour server started with --inspect and without the permission model (TETHER_BEHAVIOURS_INSPECT): its behaviours can read any file the worker can');
    return server;
  }

  /** A behaviour's call to a connection instance, checked against the scope of the server it came from. */
  private async connectionCall(server: BehaviourServerProcess, message: ConnectionCallMessage): Promise<void> {
    const caller = { tenant: server.tenant, environment: server.environment, callInFlight: server.runs(message.callId), running: server.connectionCallsRunning };
    server.connectionCallsRunning += 1;
    try {
      server.answerConnectionCall(await runConnectionCall(this.registry, this.log, caller, message));
    } catch (err) {
      this.log.error({ err, tenant: server.tenant, environment: server.environment }, 'a behaviour connection call failed in the manager');
      server.answerConnectionCall({ type: 'connection-result', requestId: message.requestId, ok: false, error: { name: 'Error', message: 'The connection call failed; see the connector log' } });
    } finally {
      server.connectionCallsRunning -= 1;
    }
  }

  /** Ends draining servers that run nothing and hold no current version of their scope. */
  private sweep(): void {
    for (const server of this.servers) {
      if (!server.draining || server.inflight > 0) continue;
      const current = this.scopes.get(key(server.tenant, server.environment))?.current;
      if (current && server.loaded.has(current)) continue;
      server.kill('drained');
    }
  }

  private ended(server: BehaviourServerProcess, expected: boolean, why: string): void {
    const index = this.servers.indexOf(server);
    if (index >= 0) this.servers.splice(index, 1);
    const id = key(server.tenant, server.environment);
    if (this.active.get(id) === server) this.active.delete(id);
    metrics.setBehaviourServers(this.servers.length);
    if (this.closed) return;
    const reason = why === 'drained' ? 'drained' : expected ? 'timeout' : 'crashed';
    metrics.recordBehaviourRecycle(reason);
    (expected ? this.log.info.bind(this.log) : this.log.error.bind(this.log))({ pid: server.pid, builds: server.builds, why }, 'behaviour server ended');
  }
}

const key = (tenant: string, environment: string) => `${tenant}/${environment}`;

/** The output, or a failure when it is too large to record (the server is untrusted: checked here, not there). */
function boundedOutput(output: unknown): unknown {
  const bytes = Buffer.byteLength(JSON.stringify(output ?? null));
  if (bytes <= MAX_RECORDED_OUTPUT_BYTES) return output;
  throw new BehaviourThrewError(outputTooLarge(bytes), undefined, 'OutputTooLarge');
}

function buildErrorOf(version: string, built: LoadedMessage): BehaviourBuildError {
  return new BehaviourBuildError(version, built.error?.message ?? 'build failed', built.error?.location);
}
