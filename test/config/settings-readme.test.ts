import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SettingsSchema } from '../../src/config/settings';

// The README's settings table states each rule; this derives the rules from the zod schema so they cannot drift.
interface JsonSchemaProperty {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  format?: string;
  default?: unknown;
}

/** The rule phrase the README must carry for one setting, or undefined where the schema says no more than "text". */
function rulePhrase(property: JsonSchemaProperty): string | undefined {
  if (property.enum) return `one of ${property.enum.join(', ')}`;
  if (property.type === 'integer' || property.type === 'number') {
    const kind = property.type;
    const bounded = property.maximum !== undefined && property.maximum < Number.MAX_SAFE_INTEGER;
    if (property.minimum !== undefined && bounded) return `${kind} ${property.minimum}–${property.maximum}`;
    if (property.exclusiveMinimum !== undefined) return `${kind} > ${property.exclusiveMinimum}`;
    if (property.minimum !== undefined) return `${kind} ≥ ${property.minimum}`;
    return kind;
  }
  if (property.format === 'uri') return 'URL';
  if ((property.minLength ?? 0) > 1) return `at least ${property.minLength} characters`;
  return undefined;
}

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Running against an existing Temporal cluster'));
const rows = section.split('\n').filter((line) => line.startsWith('| `'));
const properties = z.toJSONSchema(SettingsSchema, { io: 'input', unrepresentable: 'any' }).properties as Record<string, JsonSchemaProperty>;

test.each(Object.keys(properties))('the README settings table states the rule and default of %s', (key) => {
  const row = rows.find((line) => line.split('|')[1]!.includes(`\`${key}\``));
  expect(row).toBeDefined();
  const [, , defaults, rule] = row!.split('|').map((cell) => cell.trim());
  const phrase = rulePhrase(properties[key]!);
  if (phrase) expect(rule).toContain(phrase);
  const fallback = properties[key]!.default;
  if (fallback !== undefined) expect(defaults).toContain(String(fallback));
});
