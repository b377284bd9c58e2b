import { BehaviourFailureType } from '../contracts/behaviour-workflows';
import type { SourceLocation } from '../contracts/behaviours';
import { formatLocation } from './source-location';

/** A failure of one behaviour call, carrying the failure type the workflow's retry policy and the answer read. */
export abstract class BehaviourCallError extends Error {
  abstract readonly failureType: (typeof BehaviourFailureType)[keyof typeof BehaviourFailureType];
  details?: unknown;
}

/** The behaviour threw; the message ends with where, in the behaviour's own sources. */
export class BehaviourThrewError extends BehaviourCallError {
  override readonly name = 'BehaviourThrewError';
  readonly failureType = BehaviourFailureType.threw;
  constructor(message: string, location: SourceLocation | undefined, errorName: string | undefined) {
    super(location ? `${message} (at ${formatLocation(location, false)})` : message);
    this.details = { ...(location ? { location: formatLocation(location, false) } : {}), ...(errorName ? { errorName } : {}) };
  }
}

/** The version did not build (or its top-level code threw while loading). */
export class BehaviourBuildError extends BehaviourCallError {
  override readonly name = 'BehaviourBuildError';
  readonly failureType = BehaviourFailureType.build;
  constructor(version: string, message: string, location: SourceLocation | undefined) {
    super(location ? `Version ${version} does not build: ${formatLocation(location, true)}: ${message}` : `Version ${version} does not build: ${message}`);
    this.details = { version, ...(location ? { location: formatLocation(location, true) } : {}), error: message };
  }
}

/** No exported function of that name. */
export class BehaviourNotFoundError extends BehaviourCallError {
  override readonly name = 'BehaviourNotFoundError';
  readonly failureType = BehaviourFailureType.notFound;
  constructor(name: string, version: string, known: string[]) {
    super(`Version ${version} exports no behaviour ${name}`);
    this.details = { version, knownBehaviours: known };
  }
}

/** The call ran past its timeout; its server was killed. */
export class BehaviourTimeoutError extends BehaviourCallError {
  override readonly name = 'BehaviourTimeoutError';
  readonly failureType = BehaviourFailureType.timeout;
}

/** The server process died under the call (the only retried failure). */
export class BehaviourServerDiedError extends BehaviourCallError {
  override readonly name = 'BehaviourServerDiedError';
  readonly failureType = BehaviourFailureType.serverDied;
}

/** This manager cannot get the version (not on disk, no platform link to fetch it). */
export class BehaviourUnavailableError extends BehaviourCallError {
  override readonly name = 'BehaviourUnavailableError';
  readonly failureType = BehaviourFailureType.unavailable;
}
