import { randomUUID } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { Socket } from 'node:net';
import pino from 'pino';
import type { BuildError, LoadedMessage, ConnectionResultMessage, ManagerMessage, ResultMessage, ServerMessage } from './protocol';
import { eachLine } from './lines';
import { cutMessage, MAX_RECORDED_OUTPUT_BYTES, outputTooLarge } from './limits';
import { locationInSources } from './source-location';
import { denyNetwork } from './network-guard';

/*
 * A Behaviour Server (DESIGN §9): a child process of the Behaviours Manager that loads the versions of one
 * tenant and environment (bundles the manager built with esbuild) and runs their exported functions. It holds
 * no secrets and runs under Node's permission model: it may read its scope's files and nothing else, start no
 * process or thread, write no file. Calls to connection instances go back to the manager over IPC.
 * With TETHER_BEHAVIOURS_NETWORK=none (the manager passes the setting) it reaches no network either: the
 * manager may have started it in an empty network namespace, and before any behaviour loads its network
 * entry points are replaced here (see network-guard).
 */

if (process.env.TETHER_BEHAVIOURS_NETWORK !== 'allow') {
  denyNetwork();
  // ESM views of the built-in modules (`import('node:net')`) take the replaced functions too.
  syncBuiltinESMExports();
}

type Behaviour = (input: unknown, context: BehaviourContext) => unknown;

/** What a behaviour receives besides its input. */
export interface BehaviourContext {
  tenant: string;
  environment: string;
  log: pino.Logger;
  /** Aborted when the execution is cancelled. */
  signal: AbortSignal;
  /** The connector's configured connection instances; the settings (and secrets) stay in the manager. */
  connections: { call(connector: string, instance: string, action: string, inputs?: Record<string, unknown>): Promise<Record<string, unknown>> };
}

interface LoadedVersion {
  sourcesDir: string;
  exports: Record<string, Behaviour>;
}

const log = pino({ level: process.env.TETHER_BEHAVIOUR_LOG_LEVEL ?? 'info', base: { pid: process.pid, component: 'behaviour-server' } });
const versions = new Map<string, LoadedVersion>();
const running = new Map<string, AbortController>();
const pendingConnectionCalls = new Map<string, { resolve: (outputs: Record<string, unknown>) => void; reject: (err: Error) => void }>();

/** The channel to the manager (fd 3): newline-delimited JSON, both ways. */
const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = (message: ServerMessage) => channel.write(`${JSON.stringify(message)}\n`);

/** Loads a version the manager built; its top-level code throwing is reported at the behaviour's line. */
function loadVersion(version: string, bundle: string, sourcesDir: string): LoadedMessage {
  try {
    const loaded = require(bundle) as Record<string, unknown>;
    const exports = Object.fromEntries(Object.entries(loaded).filter((entry): entry is [string, Behaviour] => typeof entry[1] === 'function'));
    versions.set(version, { sourcesDir, exports });
    return { type: 'loaded', version, ok: true, exports: Object.keys(exports).sort() };
  } catch (err) {
    const error = err as Error;
    const location = locationInSources(error?.stack, sourcesDir);
    const problem: BuildError = { message: error?.message ?? String(err), ...(location ? { location } : {}) };
    return { type: 'loaded', version, ok: false, error: problem };
  }
}

function connectionsFor(callId: string): BehaviourContext['connections'] {
  return {
    call(connector, instance, action, inputs = {}) {
      const requestId = randomUUID();
      return new Promise((resolve, reject) => {
        pendingConnectionCalls.set(requestId, { resolve, reject });
        send({ type: 'connection-call', requestId, callId, connector, instance, action, inputs });
      });
    },
  };
}

function settleConnectionCall(message: ConnectionResultMessage): void {
  const pending = pendingConnectionCalls.get(message.requestId);
  if (!pending) return;
  pendingConnectionCalls.delete(message.requestId);
  if (message.ok) return pending.resolve(message.outputs ?? {});
  const error = Object.assign(new Error(message.error?.message ?? 'connection call failed'), { name: message.error?.name ?? 'Error', details: message.error?.details });
  pending.reject(error);
}

/**
 * The output as a JSON round trip (what crosses back to the manager, and into history, is exactly what a JSON
 * client sees), or why it cannot be returned. The manager checks the size again: it trusts no server.
 */
function resultOf(callId: string, output: unknown): ResultMessage {
  const text = JSON.stringify(output) ?? 'null';
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_RECORDED_OUTPUT_BYTES) return { type: 'result', callId, ok: false, error: { message: outputTooLarge(bytes), name: 'OutputTooLarge' } };
  return { type: 'result', callId, ok: true, output: JSON.parse(text) };
}

async function runCall(message: Extract<ManagerMessage, { type: 'call' }>): Promise<ResultMessage> {
  const { callId } = message;
  const loaded = versions.get(message.version);
  if (!loaded) return { type: 'result', callId, ok: false, error: { message: `Version ${message.version} is not built in this server` } };
  const behaviour = Object.hasOwn(loaded.exports, message.name) ? loaded.exports[message.name] : undefined;
  if (!behaviour) return { type: 'result', callId, ok: false, error: { message: `No behaviour ${message.name}`, notFound: true, exports: Object.keys(loaded.exports).sort() } };
  const controller = new AbortController();
  running.set(callId, controller);
  try {
    const output = await behaviour(message.input, {
      tenant: message.tenant,
      environment: message.environment,
      log: log.child({ tenant: message.tenant, environment: message.environment, behaviour: message.name, version: message.version, executionId: message.executionId }),
      signal: controller.signal,
      connections: connectionsFor(callId),
    });
    return resultOf(callId, output);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const location = locationInSources(error.stack, loaded.sourcesDir);
    return { type: 'result', callId, ok: false, error: { message: cutMessage(error.message), name: String(error.name).slice(0, 200), ...(location ? { location } : {}) } };
  } finally {
    running.delete(callId);
  }
}

function receive(message: ManagerMessage): void {
  switch (message.type) {
    case 'load':
      send(loadVersion(message.version, message.bundle, message.sourcesDir));
      return;
    case 'call':
      void runCall(message).then(send);
      return;
    case 'cancel':
      running.get(message.callId)?.abort(new Error('The execution was cancelled'));
      return;
    case 'connection-result':
      settleConnectionCall(message);
      return;
    case 'stats': {
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'stats', rss, heapUsed });
      return;
    }
  }
}

// The manager is trusted: its lines are read without a bound.
eachLine(channel, Number.POSITIVE_INFINITY, (line) => receive(JSON.parse(line) as ManagerMessage), () => undefined);
// The manager going away ends the server: no orphan keeps running behaviours.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
// A behaviour's stray rejection must not end calls of other behaviours on this server.
process.on('unhandledRejection', (reason) => log.warn({ err: reason }, 'unhandled rejection in a behaviour'));
send({ type: 'ready' });
