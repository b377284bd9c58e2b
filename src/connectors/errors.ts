/**
 * Failures a connector reports, classified once at the edge where the cause is known.
 * The action activity turns them into Temporal failures (retryable or not) and the SPI into HTTP statuses.
 *
 * Classification is by class (`instanceof`), and `instanceof` holds across copies of this module: a plugin
 * in another folder may resolve its own copy of `tether/sdk`, whose classes are not ours. Each error carries
 * a brand under a registry symbol (`Symbol.for`, shared by every copy in the process), and each class's
 * `Symbol.hasInstance` reads it. An unrelated error that only happens to be *named* `BusinessError` is not one.
 */

/** Failure type names as they appear in Temporal failures (ApplicationFailure.type). */
export const FailureType = {
  business: 'BusinessError',
  unavailable: 'TargetUnavailableError',
  timeout: 'TargetTimeoutError',
  config: 'ConnectorConfigError',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

const brand = Symbol.for('tether.connector-failure');

/** Which classified failure an error is, whichever copy of the SDK created it; undefined for any other error. */
export function failureTypeOf(value: unknown): FailureType | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { [brand]?: unknown })[brand];
  return Object.values(FailureType).includes(type as FailureType) ? (type as FailureType) : undefined;
}

/** `instanceof` of a failure class: the brand for the exported class itself, the prototype chain for a connector's subclass of it. */
function isInstance(target: Function, exported: Function, type: FailureType, value: unknown): boolean {
  return target === exported ? failureTypeOf(value) === type : Function.prototype[Symbol.hasInstance].call(target, value);
}

/** The target answered but refused the request for a business reason (HTTP 422, never retried). */
export class BusinessError extends Error {
  override readonly name: string = FailureType.business;
  readonly [brand] = FailureType.business;
  constructor(
    message: string,
    /** Shown to the caller with the 422 (keep secrets out). */
    readonly details?: unknown,
  ) {
    super(message);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, BusinessError, FailureType.business, value);
  }
}

/** The target could not be reached or answered with a server error (HTTP 502, retried). */
export class TargetUnavailableError extends Error {
  override readonly name: string = FailureType.unavailable;
  readonly [brand] = FailureType.unavailable;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, TargetUnavailableError, FailureType.unavailable, value);
  }
}

/** The target did not answer in time (HTTP 504, retried). */
export class TargetTimeoutError extends Error {
  override readonly name: string = FailureType.timeout;
  readonly [brand] = FailureType.timeout;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, TargetTimeoutError, FailureType.timeout, value);
  }
}

/** A connector or connection instance is configured wrongly (never retried). */
export class ConnectorConfigError extends Error {
  override readonly name: string = FailureType.config;
  readonly [brand] = FailureType.config;
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isInstance(this, ConnectorConfigError, FailureType.config, value);
  }
}
