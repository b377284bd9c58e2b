import pino, { type Logger } from 'pino';

/** Field paths pino blanks out wherever they appear, so secrets never reach logs. */
export const redactedLogPaths = [
  'secret',
  'password',
  'token',
  'authorization',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'settings.auth',
  '*.settings.auth',
];

/** JSON logs (one object a line) with secrets redacted. */
export function createLogger(level: string, name = 'tether'): Logger {
  return pino({ name, level, redact: { paths: redactedLogPaths, censor: '[redacted]' } });
}

export type { Logger };
