import { z } from 'zod';
import { ConnectorConfigError } from './errors';

/**
 * Named secrets the operator declares in the config file (`secrets:`) for integration connectors. A group
 * definition is data — it may come from a remote metadata server — so it never substitutes `${…}`; it names
 * a declared secret (`{secretRef: name}`) and the worker reveals the value, at refresh time, only to the
 * connector types and connectors the declaration allows. Values never enter workflow payloads or histories.
 */

export const SecretName = z
  .string()
  .max(100, 'a secret name has at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a secret name of letters, digits, ".", "_" or "-"');

/** A reference to a declared secret, where a definition needs a secret value. */
export const SecretRef = z.strictObject({ secretRef: SecretName });
export type SecretRef = z.infer<typeof SecretRef>;

/** One `secrets:` entry of the config file: its value (after `${…}` substitution) and who may use it. */
export const SecretDeclaration = z.strictObject({
  value: z.string().min(1, 'value is required'),
  /** Integration connector types (e.g. `tether.http-poll`) that may use the secret. */
  connectorTypes: z.array(z.string().min(1)).min(1, 'name at least one connector type that may use this secret'),
  /** When given, only these integration connectors (group qualified name and connector name) may use it. */
  connectors: z.array(z.strictObject({ group: z.string().min(1), connector: z.string().min(1) })).optional(),
});
export type SecretDeclaration = z.infer<typeof SecretDeclaration>;

/** The integration connector asking for a secret. */
export interface SecretUser {
  connectorType: string;
  group: string;
  connectorName: string;
}

/** What a connector's refresh may ask for: the value of a secret its configuration references. */
export interface SecretResolver {
  reveal(reference: SecretRef): string;
}

/** The declared secrets of this worker, and the rule of who may read which. */
export class SecretStore {
  private readonly secrets: ReadonlyMap<string, SecretDeclaration>;

  constructor(secrets: Record<string, SecretDeclaration> = {}) {
    this.secrets = new Map(Object.entries(secrets));
  }

  /** Why this connector may not use the named secret, or undefined when it may. Never mentions a value. */
  refusal(name: string, user: SecretUser): string | undefined {
    const secret = this.secrets.get(name);
    const who = `${user.connectorType} connector ${user.connectorName} of group ${user.group}`;
    if (!secret) return `secret ${name} is not declared in this worker's config file (secrets:)`;
    if (!secret.connectorTypes.includes(user.connectorType)) return `secret ${name} may not be used by ${who}: its connectorTypes do not include ${user.connectorType}`;
    if (secret.connectors && !secret.connectors.some((allowed) => allowed.group === user.group && allowed.connector === user.connectorName)) {
      return `secret ${name} may not be used by ${who}: it is not among the secret's connectors`;
    }
    return undefined;
  }

  /** A resolver bound to one connector; `revealed` collects the values it handed out (to redact them from errors). */
  resolverFor(user: SecretUser, revealed: string[] = []): SecretResolver {
    return {
      reveal: ({ secretRef }) => {
        const refusal = this.refusal(secretRef, user);
        if (refusal) throw new ConnectorConfigError(refusal);
        const value = this.secrets.get(secretRef)!.value;
        revealed.push(value);
        return value;
      },
    };
  }
}

/** Every `{secretRef}` in a configuration, with where it sits (`headers.authorization`). */
export function secretReferences(configuration: unknown, path: string[] = []): { at: string; name: string }[] {
  if (SecretRef.safeParse(configuration).success) return [{ at: path.join('.'), name: (configuration as SecretRef).secretRef }];
  if (Array.isArray(configuration)) return configuration.flatMap((item, index) => secretReferences(item, [...path, String(index)]));
  if (configuration && typeof configuration === 'object') return Object.entries(configuration).flatMap(([key, item]) => secretReferences(item, [...path, key]));
  return [];
}
