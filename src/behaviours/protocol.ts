import type { SourceLocation } from '../contracts/behaviours';

/*
 * IPC between the Behaviours Manager and a Behaviour Server child process (JSON over the fork channel).
 *
 *   manager → server : build, call, cancel, connection-result, stats
 *   server → manager : ready, built, result, connection-call, stats
 */

export interface BuildMessage {
  type: 'build';
  version: string;
  /** `{TETHER_BEHAVIOURS_DIR}/{tenant}/{environment}/{version}`: sources under `src/`, the bundle goes to `build/`. */
  dir: string;
  entry: string;
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

export type ManagerMessage = BuildMessage | CallMessage | CancelMessage | ConnectionResultMessage | StatsRequest;

export interface BuildError {
  message: string;
  location?: SourceLocation;
}

export interface BuiltMessage {
  type: 'built';
  version: string;
  ok: boolean;
  /** Exported function names, when the build loaded. */
  exports?: string[];
  error?: BuildError;
  durationMs: number;
}

export interface ResultMessage {
  type: 'result';
  callId: string;
  ok: boolean;
  output?: unknown;
  error?: { message: string; name?: string; location?: SourceLocation; notFound?: boolean; exports?: string[] };
}

/** A behaviour calling one of the connector's configured connection instances (run by the manager, which holds the settings). */
export interface ConnectionCallMessage {
  type: 'connection-call';
  requestId: string;
  callId: string;
  connector: string;
  instance: string;
  action: string;
  inputs: Record<string, unknown>;
}

export interface StatsMessage {
  type: 'stats';
  rss: number;
  heapUsed: number;
}

export type ServerMessage = { type: 'ready' } | BuiltMessage | ResultMessage | ConnectionCallMessage | StatsMessage;
