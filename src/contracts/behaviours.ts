import { z } from 'zod';

/*
 * Behaviours (DESIGN §9): code the platform's users deploy per tenant and environment, which the connector
 * builds and runs. API schemas here; the zod-free workflow contract is in `behaviour-workflows.ts`.
 */

const scopeCodeText = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** A tenant or environment code: a single path segment on disk and in URLs, so no dots alone and no slashes. */
export const ScopeCode = z
  .string()
  .regex(scopeCodeText, 'must be 1-64 letters, digits, dots, dashes or underscores, not starting with a dot');

/**
 * Which behaviours may use a connection instance (`connectionInstances[].behaviours` in the config file):
 * `{tenant}/{environment}`, where either part may be `*` (`acme/prod`, `acme/*`, `*\/prod`), or `*` alone for
 * every behaviour. An instance without the list is closed to behaviours (deny by default).
 */
export const BehaviourScopePattern = z
  .string()
  .refine((pattern) => pattern === '*' || (pattern.split('/').length === 2 && pattern.split('/').every((part) => part === '*' || scopeCodeText.test(part))), {
    message: 'must be "*" or "{tenant}/{environment}" where each part is a code (1-64 letters, digits, dots, dashes or underscores, not starting with a dot) or "*"',
  });

/** Whether a pattern (already checked with BehaviourScopePattern) admits the behaviours of this tenant and environment. */
export function scopeMatches(pattern: string, tenant: string, environment: string): boolean {
  if (pattern === '*') return true;
  const [allowedTenant, allowedEnvironment] = pattern.split('/');
  return (allowedTenant === '*' || allowedTenant === tenant) && (allowedEnvironment === '*' || allowedEnvironment === environment);
}

/** A behaviour's name: the exported function a call runs. */
export const BehaviourName = z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/, 'must be a JavaScript identifier (an exported function name)');

/** A version id: the first 16 hex digits of the SHA-256 of the entry and the files (`versionOf`). */
export const BehaviourVersion = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hexadecimal digits (a version id)');

/** Largest deployment: the JSON text of `files` (so it always fits one 2 MiB socket frame to the connector). */
export const MAX_BEHAVIOUR_BYTES = 1_000_000;
export const MAX_BEHAVIOUR_FILES = 200;


/** A source file's path: relative, `/`-separated, no `.` or `..` segments, a source or JSON extension. */
export const BehaviourPath = z
  .string()
  .max(200)
  .regex(/^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.(?:ts|mts|cts|tsx|js|mjs|cjs|jsx|json)$/, 'must be a relative path of letters, digits, dots, dashes and underscores ending in .ts, .js, .tsx, .jsx, .mts, .cts, .mjs, .cjs or .json');

export const BehaviourFiles = z
  .record(BehaviourPath, z.string())
  .refine((files) => Object.keys(files).length > 0, 'must contain at least one file')
  .refine((files) => Object.keys(files).length <= MAX_BEHAVIOUR_FILES, `must contain at most ${MAX_BEHAVIOUR_FILES} files`)
  .refine((files) => new TextEncoder().encode(JSON.stringify(files)).length <= MAX_BEHAVIOUR_BYTES, `must total at most ${MAX_BEHAVIOUR_BYTES} bytes (as JSON)`)
  .superRefine((files, context) => {
    // `lib.ts` and `lib.ts/inner.ts` cannot both be written: refused here rather than failing on every connector.
    for (const path of Object.keys(files)) {
      const segments = path.split('/');
      for (let end = 1; end < segments.length; end += 1) {
        const folder = segments.slice(0, end).join('/');
        if (Object.hasOwn(files, folder)) context.addIssue({ code: 'custom', path: [folder], message: `${folder} is both a file and a folder (of ${path})` });
      }
    }
  });

/** `PUT /admin/behaviours/{tenant}/{environment}` on the hub. */
export const PutBehavioursBody = z
  .object({
    files: BehaviourFiles,
    entry: BehaviourPath.default('index.ts').describe('the module whose exports are the behaviours (default index.ts)'),
  })
  .refine((body) => Object.hasOwn(body.files, body.entry), { message: 'must name one of the files', path: ['entry'] });
export type PutBehavioursBody = z.infer<typeof PutBehavioursBody>;

export const RollbackBody = z.object({ version: BehaviourVersion });

/** One immutable version as the hub keeps it and the connector downloads it. */
export const BehaviourBundle = z.object({
  version: BehaviourVersion,
  entry: BehaviourPath,
  files: z.record(BehaviourPath, z.string()),
  createdAt: z.string(),
});
export type BehaviourBundle = z.infer<typeof BehaviourBundle>;

export const BehaviourVersionSummary = z.object({ version: BehaviourVersion, entry: BehaviourPath, createdAt: z.string(), files: z.number().int(), bytes: z.number().int() });

/** `GET /admin/behaviours/{tenant}/{environment}` on the hub. */
export const BehaviourVersions = z.object({
  tenant: ScopeCode,
  environment: ScopeCode,
  current: BehaviourVersion.nullable(),
  versions: z.array(BehaviourVersionSummary),
});
export type BehaviourVersions = z.infer<typeof BehaviourVersions>;

/** Which version is current in one tenant and environment: what the hub tells connectors. */
export const CurrentBehaviour = z.object({ tenant: ScopeCode, environment: ScopeCode, version: BehaviourVersion });
export type CurrentBehaviour = z.infer<typeof CurrentBehaviour>;

/** `POST /connectors/{id}/behaviours/{tenant}/{environment}/{name}`. */
export const BehaviourCallBody = z.object({ input: z.unknown().optional() });

/** One behaviour call as the hub relays it to the connector. */
export const BehaviourCall = z.object({
  tenant: ScopeCode,
  environment: ScopeCode,
  name: BehaviourName,
  input: z.unknown().optional(),
  idempotencyKey: z.string().max(256).optional(),
  /** `respond-async` answers 202 with the execution at once, as on the SPI. */
  prefer: z.string().max(200).optional(),
});
export type BehaviourCall = z.infer<typeof BehaviourCall>;

/** Where a build or a thrown error points in the behaviour's own sources (1-based line and column). */
export const SourceLocation = z.object({ file: z.string(), line: z.number().int(), column: z.number().int().optional() });
export type SourceLocation = z.infer<typeof SourceLocation>;
