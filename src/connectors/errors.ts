/**
 * Failures a connector reports, classified once at the edge where the cause is known.
 * The action activity turns them into Temporal failures (retryable or not) and the SPI into HTTP statuses.
 */

/** The target answered but refused the request for a business reason (HTTP 422, never retried). */
export class BusinessError extends Error {
  override readonly name = 'BusinessError';
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The target could not be reached or answered with a server error (HTTP 502, retried). */
export class TargetUnavailableError extends Error {
  override readonly name = 'TargetUnavailableError';
}

/** The target did not answer in time (HTTP 504, retried). */
export class TargetTimeoutError extends Error {
  override readonly name = 'TargetTimeoutError';
}

/** A connector or connection instance is configured wrongly (never retried; integration connectors go CONFIG_FAILED). */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
}

/** Failure type names as they appear in Temporal failures (ApplicationFailure.type). */
export const FailureType = {
  business: 'BusinessError',
  unavailable: 'TargetUnavailableError',
  timeout: 'TargetTimeoutError',
  config: 'ConnectorConfigError',
} as const;
