import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { ServerMessage, type ConnectionCallMessage, type LoadedMessage, type ManagerMessage, type ResultMessage } from './protocol';
import { behaviourServerScript } from './server-entry';
import { eachLine } from './lines';
import { MAX_CHANNEL_MESSAGE_CHARS } from './limits';
import { MAX_OUTPUT_LINE, scopedLine } from './server-output';
import type { NetworkIsolation } from './network-isolation';

export interface ServerProcessOptions {
  /** The only tenant and environment whose versions this server loads and runs. */
  tenant: string;
  environment: string;
  /** `{TETHER_BEHAVIOURS_DIR}/{tenant}/{environment}`: the only behaviour files the server may read. */
  scopeDir: string;
  maxOldSpaceMb: number;
  /** Port of `--inspect` for this server (TETHER_BEHAVIOURS_INSPECT; each later server takes the next port). */
  inspectPort?: number;
  logLevel: string;
  /** TETHER_BEHAVIOURS_NETWORK, as the manager found it can be enforced on this host. */
  network: NetworkIsolation;
  /** Runs a behaviour's call to a connection instance, in the manager (where the settings are). */
  onConnectionCall(message: ConnectionCallMessage): void;
  /** The server sent something that is not a message of the protocol (a behaviour writing on the channel). */
  onInvalidMessage(problem: string): void;
  /** The process ended; `expected` when the manager ended it. */
  onExit(server: BehaviourServerProcess, expected: boolean, why: string): void;
}

/**
 * The variables a Behaviour Server inherits: only what Node needs to run, never the worker's own
 * environment — it holds TETHER_* credentials, the codec key and whatever `${NAME}` the config file reads, and
 * a behaviour can read `process.env`.
 */
const inheritedVariables = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'TZ', 'LANG', 'LC_ALL', 'NODE_ENV', 'SystemRoot'];

/**
 * Node's permission model (`--permission`; `--experimental-permission` before Node 22): the server may read its
 * own script, the packages it loads (pino) and its scope's files — not the config file, the data directory,
 * `/proc/{worker}/environ` or another tenant's versions — and may start no process or thread and write no file.
 */
function permissionArgs(scopeDir: string): string[] {
  const flags = process.allowedNodeEnvironmentFlags;
  const script = behaviourServerScript();
  const packages = dirname(dirname(require.resolve('pino/package.json')));
  return [
    flags.has('--permission') ? '--permission' : '--experimental-permission',
    ...(flags.has('--disable-warning') ? ['--disable-warning=ExperimentalWarning'] : []),
    ...[dirname(script), packages, scopeDir].map((path) => `--allow-fs-read=${path}/*`),
  ];
}

function behaviourServerEnv(env: NodeJS.ProcessEnv, logLevel: string, network: NetworkIsolation): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(inheritedVariables.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
  return { ...kept, TETHER_BEHAVIOUR_LOG_LEVEL: logLevel, TETHER_BEHAVIOURS_NETWORK: network.mode === 'allow' ? 'allow' : 'none' };
}

/** Thrown into every call in flight when the server process dies under it; the activity retries these. */
export class ServerDiedError extends Error {
  override readonly name = 'ServerDiedError';
}

/** Thrown when a call outlived its timeout: the server was killed. */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
}

interface Pending {
  resolve(message: ResultMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The manager's handle on one Behaviour Server child process: builds, calls in flight, and its end. A server
 * holds the versions of one tenant and environment only, so what its behaviours may reach is decided by the
 * scope recorded here, not by anything the process says.
 */
export class BehaviourServerProcess {
  readonly started = new Date();
  readonly tenant: string;
  readonly environment: string;
  readonly child: ChildProcess;
  /** Versions loaded in this server (failed ones count: they cost memory too); TETHER_BEHAVIOURS_MAX_BUILDS caps it. */
  builds = 0;
  /** Versions loaded here, with their exports or why they did not load. */
  readonly loaded = new Map<string, Promise<LoadedMessage>>();
  /** Calls to connection instances its behaviours have running in the manager now. */
  connectionCallsRunning = 0;
  /** Set when the manager stops sending it work; it exits once no call runs and no current version lives in it. */
  draining = false;
  alive = true;
  private readonly pendingLoads = new Map<string, (message: LoadedMessage) => void>();
  private readonly calls = new Map<string, Pending>();
  private readonly ready: Promise<void>;
  private statsWaiters: Array<(rss: number | undefined) => void> = [];
  private endingExpected = false;

  constructor(private readonly options: ServerProcessOptions) {
    this.tenant = options.tenant;
    this.environment = options.environment;
    const execArgv = [`--max-old-space-size=${options.maxOldSpaceMb}`, '--enable-source-maps'];
    // Node's inspector does not run under the permission model: TETHER_BEHAVIOURS_INSPECT (debugging) trades the sandbox for it.
    execArgv.push(...(options.inspectPort === undefined ? permissionArgs(options.scopeDir) : [`--inspect=127.0.0.1:${options.inspectPort}`]));
    // The inspector's port must be reachable from the host: no namespace then (the in-process guard still holds).
    const start = options.inspectPort === undefined ? options.network.wrap(process.execPath, [...execArgv, behaviourServerScript()]) : { command: process.execPath, args: [...execArgv, behaviourServerScript()] };
    this.child = spawn(start.command, start.args, {
      // stdout and stderr piped, not inherited: each line is relayed with the scope recorded here (see scopedLine).
      // fd 3 is the channel: newline-delimited JSON read with a bound (Node's IPC channel buffers a message of any size).
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: behaviourServerEnv(process.env, options.logLevel, options.network),
    });
    this.channel = this.child.stdio[3] as Socket;
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.child.once('exit', () => reject(new ServerDiedError('The behaviour server exited while starting')));
    });
    this.ready.catch(() => undefined);
    const scope = () => ({ pid: this.pid, tenant: this.tenant, environment: this.environment });
    const cut = (write: (line: string) => void) => (start: string) => write(`${start}… (cut)`);
    const relay = (stream: NodeJS.WriteStream) => (line: string) => stream.write(`${scopedLine(line, scope())}\n`);
    eachLine(this.child.stdout!, MAX_OUTPUT_LINE, relay(process.stdout), cut(relay(process.stdout)));
    eachLine(this.child.stderr!, MAX_OUTPUT_LINE, relay(process.stderr), cut(relay(process.stderr)));
    eachLine(this.channel, MAX_CHANNEL_MESSAGE_CHARS, (line) => this.receive(line), () => {
      this.options.onInvalidMessage(`a message of more than ${MAX_CHANNEL_MESSAGE_CHARS} characters; the server is killed`);
      this.kill(`it sent a message of more than ${MAX_CHANNEL_MESSAGE_CHARS} characters`);
    });
    this.channel.on('error', () => undefined);
    this.child.on('error', () => undefined);
    this.child.once('exit', (code, signal) => this.ended(code, signal));
  }

  private readonly channel: Socket;
  private markReady: () => void = () => undefined;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get inflight(): number {
    return this.calls.size;
  }

  /** Whether a call with this id is running on this server now. */
  runs(callId: string): boolean {
    return this.calls.has(callId);
  }

  /** Loads a built version once on this server; later asks share the result. */
  load(version: string, bundle: string, sourcesDir: string): Promise<LoadedMessage> {
    const existing = this.loaded.get(version);
    if (existing) return existing;
    this.builds += 1;
    const result = this.ready.then(
      () =>
        new Promise<LoadedMessage>((resolve) => {
          this.pendingLoads.set(version, resolve);
          this.send({ type: 'load', version, bundle, sourcesDir });
        }),
    );
    this.loaded.set(version, result);
    return result;
  }

  /** Runs one call; past `timeoutMs` the whole server is killed (a loop cannot be interrupted otherwise). */
  call(message: Omit<Extract<ManagerMessage, { type: 'call' }>, 'type' | 'callId'>, timeoutMs: number, signal?: AbortSignal): Promise<ResultMessage> {
    if (!this.alive) return Promise.reject(new ServerDiedError('The behaviour server is not running'));
    const callId = randomUUID();
    return new Promise<ResultMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(callId);
        reject(new CallTimeoutError(`The behaviour ran past its timeout of ${timeoutMs} ms; its server (pid ${this.pid}) was killed`));
        this.kill(`call ${callId} timed out`);
      }, timeoutMs);
      this.calls.set(callId, { resolve, reject, timer });
      signal?.addEventListener('abort', () => this.send({ type: 'cancel', callId }), { once: true });
      this.send({ type: 'call', callId, ...message });
    });
  }

  answerConnectionCall(message: Extract<ManagerMessage, { type: 'connection-result' }>): void {
    this.send(message);
  }

  /** Resident memory of the server, or undefined when it does not answer within a second. */
  rss(): Promise<number | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1_000);
      this.statsWaiters.push((rss) => {
        clearTimeout(timer);
        resolve(rss);
      });
      this.send({ type: 'stats' });
    });
  }

  /** Ends the server on purpose (drained, timed out, shutdown): SIGKILL, since a looping behaviour ignores anything gentler. */
  kill(why: string): void {
    if (!this.alive) return;
    this.endingExpected = true;
    this.endReason = why;
    this.child.kill('SIGKILL');
  }

  private endReason = '';

  private send(message: ManagerMessage): void {
    if (this.alive && this.channel.writable) this.channel.write(`${JSON.stringify(message)}\n`);
  }

  private receive(line: string): void {
    let received: unknown;
    try {
      received = JSON.parse(line);
    } catch {
      return this.options.onInvalidMessage('a line that is not JSON');
    }
    const parsed = ServerMessage.safeParse(received);
    if (!parsed.success) return this.options.onInvalidMessage(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`).join('; '));
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'loaded':
        this.pendingLoads.get(message.version)?.(message);
        this.pendingLoads.delete(message.version);
        return;
      case 'result': {
        const pending = this.calls.get(message.callId);
        if (!pending) return;
        this.calls.delete(message.callId);
        clearTimeout(pending.timer);
        pending.resolve(message);
        return;
      }
      case 'connection-call':
        this.options.onConnectionCall(message);
        return;
      case 'stats':
        for (const waiter of this.statsWaiters.splice(0)) waiter(message.rss);
        return;
    }
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    this.alive = false;
    const why = this.endingExpected ? this.endReason : `exited unexpectedly (${signal ?? `code ${code}`})`;
    for (const [callId, pending] of this.calls) {
      clearTimeout(pending.timer);
      pending.reject(new ServerDiedError(`The behaviour server (pid ${this.pid}) ${why} during call ${callId}`));
    }
    this.calls.clear();
    for (const [version, resolve] of this.pendingLoads) {
      resolve({ type: 'loaded', version, ok: false, error: { message: `The behaviour server ${why} while loading` } });
    }
    this.pendingLoads.clear();
    for (const waiter of this.statsWaiters.splice(0)) waiter(undefined);
    this.options.onExit(this, this.endingExpected, why);
  }
}
