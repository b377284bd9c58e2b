/** Schemas of integration group definitions kept by Tether's metadata service (DESIGN §5), used by the API and activities. */
import { z } from 'zod';
import { daemonName } from './daemon';
import { defaultRestartPolicy } from './metadata-store';

/** When a failed connector restarts: initialInterval × coefficient^(n-1), capped; optionally a limit on consecutive restarts. */
export const RestartPolicy = z.object({
  initialIntervalSeconds: z.number().positive().default(defaultRestartPolicy.initialIntervalSeconds),
  coefficient: z.number().min(1).default(defaultRestartPolicy.coefficient),
  maximumIntervalSeconds: z.number().positive().default(defaultRestartPolicy.maximumIntervalSeconds),
  maximumRestarts: z.number().int().nonnegative().optional(),
});
export type RestartPolicy = z.infer<typeof RestartPolicy>;

/** One integration connector of a group: which connector code runs, with what configuration, how often. */
export const IntegrationConnectorDefinition = z.object({
  connectorName: daemonName('connectorName'),
  /** A connector type (`tether.http-poll`) or name, resolved by the worker's registry. */
  connectorType: z.string().trim().min(1),
  /** Checked against the connector's own schema by the worker; a mismatch is CONFIG_FAILED, not a 400. */
  configuration: z.record(z.string(), z.unknown()).default({}),
  refreshIntervalSeconds: z.number().positive(),
  restartPolicy: RestartPolicy.default(defaultRestartPolicy),
});
export type IntegrationConnectorDefinition = z.infer<typeof IntegrationConnectorDefinition>;

export const IntegrationGroupDefinition = z.object({
  connectors: z.array(IntegrationConnectorDefinition).superRefine((connectors, ctx) => {
    const seen = new Set<string>();
    connectors.forEach((connector, index) => {
      if (seen.has(connector.connectorName)) {
        ctx.addIssue({ code: 'custom', path: [index, 'connectorName'], message: `connectorName ${connector.connectorName} is used twice in this group` });
      }
      seen.add(connector.connectorName);
    });
  }),
});
export type IntegrationGroupDefinition = z.infer<typeof IntegrationGroupDefinition>;
