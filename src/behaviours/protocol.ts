import { z } from 'zod';
import { SourceLocation } from '../contracts/behaviours';

/*
 * Messages between the Behaviours Manager and a Behaviour Server child process: one JSON text a line on the
 * server's fd 3 (not Node's IPC channel, which buffers a message of any size), at most MAX_CHANNEL_MESSAGE_CHARS
 * from the server.
 *
 *   manager → server : load, call, cancel, connection-result, stats
 *   server → manager : ready, loaded, result, connection-call, stats
 *
 * The manager builds versions (esbuild); a server only loads the bundles of its own tenant and environment.
 */

export interface LoadMessage {
  type: 'load';
  version: string;
  /** `{TETHER_BEHAVIOURS_DIR}/{tenant}/{environment}/{version}/build/behaviour.js`, built by the manager. */
  bundle: string;
  /** The version's `src/`, where a thrown error's location is looked for. */
  sourcesDir: string;
}

export interface CallMessage {
  type: 'call';
  callId: string;
  version: string;
  name: string;
  input: unknown;
  tenant: string;
  environment: string;
  /** Execution id, for the behaviour's log lines. */
  executionId: string;
}

export interface CancelMessage {
  type: 'cancel';
  callId: string;
}

export interface ConnectionResultMessage {
  type: 'connection-result';
  requestId: string;
  ok: boolean;
  outputs?: Record<string, unknown>;
  error?: { name: string; message: string; details?: unknown };
}

export interface StatsRequest {
  type: 'stats';
}

export type ManagerMessage = LoadMessage | CallMessage | CancelMessage | ConnectionResultMessage | StatsRequest;

/*
 * Server → manager messages are checked with these schemas as they arrive: a behaviour runs in the server and
 * can send anything on the channel, so the manager trusts no shape (and no scope: a server runs one tenant and
 * environment, which the manager records itself).
 */
const Id = z.string().min(1).max(100);
const Name = z.string().max(256);
const Location = SourceLocation.extend({ file: z.string().max(1_000) });

export const BuildError = z.object({ message: z.string(), location: Location.optional() });
export type BuildError = z.infer<typeof BuildError>;

/** A version loaded in a server (or why not: its top-level code threw). */
export const LoadedMessage = z.object({
  type: z.literal('loaded'),
  version: z.string().max(100),
  ok: z.boolean(),
  /** Exported function names, when the bundle loaded. */
  exports: z.array(Name).optional(),
  error: BuildError.optional(),
});
export type LoadedMessage = z.infer<typeof LoadedMessage>;

export const ResultMessage = z.object({
  type: z.literal('result'),
  callId: Id,
  ok: z.boolean(),
  output: z.unknown().optional(),
  error: z
    .object({ message: z.string(), name: z.string().optional(), location: Location.optional(), notFound: z.boolean().optional(), exports: z.array(Name).optional() })
    .optional(),
});
export type ResultMessage = z.infer<typeof ResultMessage>;

/** A behaviour calling one of the connector's configured connection instances (run by the manager, which holds the settings). */
export const ConnectionCallMessage = z.object({
  type: z.literal('connection-call'),
  requestId: Id,
  /** The behaviour call making it: must be one running on the server that sent the message. */
  callId: Id,
  connector: Name,
  instance: Name,
  action: Name,
  inputs: z.record(z.string(), z.unknown()),
});
export type ConnectionCallMessage = z.infer<typeof ConnectionCallMessage>;

export const StatsMessage = z.object({ type: z.literal('stats'), rss: z.number(), heapUsed: z.number() });
export type StatsMessage = z.infer<typeof StatsMessage>;

export const ServerMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ready') }), LoadedMessage, ResultMessage, ConnectionCallMessage, StatsMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;
