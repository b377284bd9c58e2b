/**
 * Limits on the names the integration daemon builds workflow ids from (DESIGN §5; issue #10). Checked at the
 * edge by the API (zod, in daemon.ts and metadata.ts) and again by the workflows' update validators and the
 * reconciler, so a name that cannot become a workflow id never reaches Temporal. No zod here: workflows import it.
 *
 * Budget: `integration/{server}/{group}/{connector}` must stay under Temporal's 1,000-byte workflow id limit;
 * 12 + 128 + 256 + 256 + 3 separators = 655 bytes, leaving room for prefixes added later.
 */
export const nameLimits = {
  serverName: 128,
  integrationGroupQualifiedName: 256,
  connectorName: 256,
} as const;
export type NameKind = keyof typeof nameLimits;

/**
 * `/` separates the parts of a workflow id (two spellings of one id otherwise); a server name is also quoted in
 * visibility queries, so no quotes or backslashes; control characters are never names.
 */
const forbidden: Record<NameKind, RegExp> = {
  serverName: /[/'"\\\p{Cc}]/u,
  integrationGroupQualifiedName: /\p{Cc}/u,
  connectorName: /[/\p{Cc}]/u,
};
const forbiddenText: Record<NameKind, string> = {
  serverName: 'must not contain / \' " \\ or control characters',
  integrationGroupQualifiedName: 'must not contain control characters',
  connectorName: 'must not contain "/" or control characters',
};

/** The same rules as a JSON-schema pattern (for the OpenAPI document): some non-space character, none forbidden. */
export const namePatterns: Record<NameKind, string> = {
  serverName: '^(?!\\s*$)[^/\'"\\\\\\u0000-\\u001f\\u007f-\\u009f]*$',
  integrationGroupQualifiedName: '^(?!\\s*$)[^\\u0000-\\u001f\\u007f-\\u009f]*$',
  connectorName: '^(?!\\s*$)[^/\\u0000-\\u001f\\u007f-\\u009f]*$',
};

const utf8Length = (value: string) => new TextEncoder().encode(value).length;

/** Why a value is not a valid name of that kind (without the field name), or undefined when it is. */
export function nameProblem(kind: NameKind, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a non-empty string';
  if (utf8Length(value) > nameLimits[kind]) return `must be at most ${nameLimits[kind]} bytes (UTF-8); got ${utf8Length(value)}`;
  if (forbidden[kind].test(value)) return forbiddenText[kind];
  return undefined;
}
