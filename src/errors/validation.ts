import type { z } from 'zod';
import { ValidationError } from './index';

/** Maps every issue to its field path ("inputs.quantity", "(body)" for the root). */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** Parses a value with a schema or throws a 400 naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what = 'Request body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error);
  const summary = Object.entries(fields)
    .map(([field, reasons]) => `${field}: ${reasons.join('; ')}`)
    .join(', ');
  throw new ValidationError(`${what} is invalid: ${summary}`, fields);
}
