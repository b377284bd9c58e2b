import { z } from 'zod';
import type { InputDescriptor, SpiInputType } from '../connectors/sdk';

/**
 * Builds the zod schema of one action's inputs from its descriptor: one schema gives the 400 (naming every
 * bad field), the values the handler receives, and later the OpenAPI document.
 *
 * Conversions (seed 002): String takes any value — a JSON object or array becomes its JSON text, a number
 * or boolean its usual text (`1.5`, `true`) — because "any value of a process can be assigned to a String".
 * Integer takes whole JSON numbers only, Double any finite number, Boolean only true/false (no strings: the
 * catalog sends typed JSON, and guessing hides mistakes). DateTime takes ISO 8601 text, offsets written
 * `Z`, `+00:00` or `+0000`, no offset meaning UTC, and hands the handler the normalised ISO string
 * (`2021-11-27T21:30:56.800Z`). Object takes any value as is. `null` counts as not given.
 */

const requiredOr = (type: SpiInputType) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${type}`),
});

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Parses ISO 8601 text to a Date, or undefined when it is not a real instant (e.g. February 30th). */
export function parseIsoDateTime(text: string): Date | undefined {
  const match = isoDateTime.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  if (Number(month) < 1 || Number(month) > 12 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const toText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** The schema of one SPI input type (required; callers add `.optional()`). */
export function inputTypeSchema(type: SpiInputType): z.ZodType {
  switch (type) {
    case 'String':
      return z
        .union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())], requiredOr('String'))
        .transform(toText);
    case 'Integer':
      return z.int(requiredOr('Integer'));
    case 'Double':
      return z.number(requiredOr('Double'));
    case 'Boolean':
      return z.boolean(requiredOr('Boolean'));
    case 'DateTime':
      return z
        .string(requiredOr('DateTime'))
        .refine((text) => parseIsoDateTime(text) !== undefined, 'expected DateTime (ISO 8601, e.g. 2021-11-27T21:30:56.800+0000)')
        .transform((text) => parseIsoDateTime(text)!.toISOString())
        // Documented as RFC 3339 date-time (a subset of what is accepted: offsets without a colon, a space for T).
        .meta({ format: 'date-time' });
    case 'Object':
      return z.custom<unknown>((value) => value !== undefined, 'required');
  }
}

// Built once per action: zod compiles an object schema on its first parse, which per request would cost more than the parse.
const schemasByInputs = new WeakMap<InputDescriptor[], z.ZodObject>();

/** The inputs schema of an action: declared inputs typed, `required` honoured, unknown inputs dropped. */
export function actionInputsSchema(inputs: InputDescriptor[]): z.ZodObject {
  let schema = schemasByInputs.get(inputs);
  if (!schema) {
    const shape: Record<string, z.ZodType> = {};
    for (const input of inputs) {
      const type = inputTypeSchema(input.type);
      shape[input.name] = input.required ? type : type.optional();
    }
    schema = z.object(shape);
    schemasByInputs.set(inputs, schema);
  }
  return schema;
}

/** Drops `null` inputs so they read as not given (the catalog may send null for an unset process value). */
export function withoutNulls(inputs: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs ?? {}).filter(([, value]) => value !== null));
}
