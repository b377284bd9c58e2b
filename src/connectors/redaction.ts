import { ApplicationFailure } from '@temporalio/common';

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';

// `scheme://user:password@` (or `scheme://token@`): the userinfo of any URL quoted in a message.
const urlUserinfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** The text with every secret value and every URL's userinfo replaced by `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text.replace(urlUserinfo, `$1${REDACTED}@`);
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Every string in a JSON-like value redacted (object keys included). */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactText(key, secrets), redactValue(item, secrets)])) as T;
  }
  return value;
}

/**
 * The error with secrets and URL userinfo removed from its message, stack, details and causes; the same object
 * when there was nothing to remove, so errors keep their class (cancellation, for instance) in the common case.
 */
export function redactError(err: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redactText(err, secrets) : err;
  const { details, cause } = err as { details?: unknown; cause?: unknown };
  const message = redactText(err.message, secrets);
  const stack = err.stack === undefined ? undefined : redactText(err.stack, secrets);
  const redactedDetails = redactValue(details, secrets);
  const redactedCause = depth < 5 ? redactError(cause, secrets, depth + 1) : undefined;
  const unchanged = message === err.message && stack === err.stack && redactedCause === cause && JSON.stringify(redactedDetails) === JSON.stringify(details);
  if (unchanged) return err;
  const copy =
    err instanceof ApplicationFailure
      ? ApplicationFailure.create({ message, type: err.type ?? undefined, nonRetryable: err.nonRetryable ?? undefined, details: redactValue(err.details ?? [], secrets) as unknown[] })
      : Object.assign(new Error(message), { name: err.name }, details === undefined ? {} : { details: redactedDetails });
  copy.stack = stack;
  if (redactedCause !== undefined) Object.defineProperty(copy, 'cause', { value: redactedCause, configurable: true, writable: true });
  return copy;
}

/** The values a connection instance's settings hold at the connector's `secretSettings` paths (`auth.token`, `headers`, …). */
export function secretSettingValues(secretSettings: readonly string[] | undefined, settings: unknown): string[] {
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const path of secretSettings ?? []) {
    collect(path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), settings));
  }
  return values;
}
