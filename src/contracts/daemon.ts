/**
 * Request schemas of the integration daemon's admin API (DESIGN §5), used by the API to validate. Workflows
 * import their contracts from daemon-workflows.ts instead, which stays free of zod: loading zod in every
 * new workflow costs more CPU than a no-op action itself.
 */
import { z } from 'zod';
import { httpUrl } from './http-url';
import { nameLimits, namePatterns, nameProblem, type NameKind } from './names';

/** A name the daemon builds workflow ids from, with its documented limits (names.ts); the message names the field (`label`). */
export function daemonName(kind: NameKind, label: string = kind) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .superRefine((value, ctx) => {
      const problem = nameProblem(kind, value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${problem}` });
    })
    // The OpenAPI document states the same rules (the limit is in UTF-8 bytes, so at most as many characters).
    .meta({ pattern: namePatterns[kind], maxLength: nameLimits[kind] });
}

/** Egeria's integration group configuration (seed 001); properties Tether does not know are ignored. */
export const IntegrationGroupConfig = z.object({
  // Egeria's own admin client leaves `class` out of each element of the list it POSTs to …/configuration/all (Jackson
  // writes no type id for a List's elements), so a missing class means this one; a different class is refused.
  class: z.literal('IntegrationGroupConfig', { error: 'class must be "IntegrationGroupConfig"' }).default('IntegrationGroupConfig'),
  omagserverPlatformRootURL: httpUrl({
    invalid: 'omagserverPlatformRootURL must be an http(s) URL',
    credentials: "omagserverPlatformRootURL must not contain credentials (user:password@); Tether presents its own admin token to the metadata server",
  }),
  omagserverName: z.string({ error: 'omagserverName is required' }).trim().min(1, 'omagserverName is required'),
  integrationGroupQualifiedName: daemonName('integrationGroupQualifiedName'),
});
export type IntegrationGroupConfig = z.infer<typeof IntegrationGroupConfig>;

export const IntegrationGroupConfigList = z.array(IntegrationGroupConfig).superRefine((groups, ctx) => {
  const seen = new Set<string>();
  groups.forEach((group, index) => {
    if (seen.has(group.integrationGroupQualifiedName)) {
      ctx.addIssue({ code: 'custom', path: [index, 'integrationGroupQualifiedName'], message: `integrationGroupQualifiedName ${group.integrationGroupQualifiedName} is given twice` });
    }
    seen.add(group.integrationGroupQualifiedName);
  });
});

/**
 * A connector's state, Tether's view: Egeria's IntegrationConnectorStatus values plus RESTARTING (waiting for an
 * automatic restart). Egeria-shaped answers render RESTARTING as FAILED (see daemon/connector-report.ts).
 */
export const ConnectorStatusValue = z.enum([
  'INITIALIZED',
  'WAITING',
  'REFRESHING',
  'RUNNING',
  'STOPPED',
  'INITIALIZE_FAILED',
  'CONFIG_FAILED',
  'FAILED',
  'RESTARTING',
]);
export type ConnectorStatusValue = z.infer<typeof ConnectorStatusValue>;
