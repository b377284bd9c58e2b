/** Integration group definitions kept by Tether's metadata service (DESIGN §5); shared by API, activities and workflows. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';

/** When a failed connector restarts: initialInterval × coefficient^(n-1), capped; optionally a limit on consecutive restarts. */
export const RestartPolicy = z.object({
  initialIntervalSeconds: z.number().positive().default(1),
  coefficient: z.number().min(1).default(2),
  maximumIntervalSeconds: z.number().positive().default(600),
  maximumRestarts: z.number().int().nonnegative().optional(),
});
export type RestartPolicy = z.infer<typeof RestartPolicy>;

export const defaultRestartPolicy: RestartPolicy = RestartPolicy.parse({});

/** One integration connector of a group: which connector code runs, with what configuration, how often. */
export const IntegrationConnectorDefinition = z.object({
  connectorName: z.string().trim().min(1),
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

export interface StoredGroupDefinition {
  qualifiedName: string;
  definition: IntegrationGroupDefinition;
  updatedAt: string;
}

export interface PutGroupDefinitionRequest {
  qualifiedName: string;
  definition: IntegrationGroupDefinition;
}

export interface PutGroupDefinitionResult {
  created: boolean;
  stored: StoredGroupDefinition;
}

/** State of the metadata-store workflow, carried across continue-as-new. */
export interface MetadataStoreInput {
  metadataServerName: string;
  groups: StoredGroupDefinition[];
}

export const metadataStoreWorkflowId = (metadataServerName: string) => `metadata/${metadataServerName}`;

/** Failure type of a refused update naming a group the store does not hold (the API answers 404). */
export const GroupNotFound = 'GroupNotFound';

export const putGroupDefinitionUpdate = defineUpdate<PutGroupDefinitionResult, [PutGroupDefinitionRequest]>('putGroupDefinition');
export const deleteGroupDefinitionUpdate = defineUpdate<void, [string]>('deleteGroupDefinition');
export const getGroupDefinitionQuery = defineQuery<StoredGroupDefinition | null, [string]>('getGroupDefinition');
export const listGroupDefinitionsQuery = defineQuery<StoredGroupDefinition[]>('listGroupDefinitions');
