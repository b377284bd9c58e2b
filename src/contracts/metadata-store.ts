/**
 * Workflow contracts of the metadata store (DESIGN §5), shared by the API and the workflows: no Node imports
 * and no zod (the definition schemas live in metadata.ts, used by the API).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IntegrationGroupDefinition } from './metadata';

/** Restart policy defaults: 1 s, ×2, at most 10 min, no limit on restarts (DESIGN §5). */
export const defaultRestartPolicy: Readonly<{ initialIntervalSeconds: number; coefficient: number; maximumIntervalSeconds: number }> = { initialIntervalSeconds: 1, coefficient: 2, maximumIntervalSeconds: 600 };

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
/** Only a definition's `updatedAt` (null: not defined): lets the API answer a conditional GET without moving the definition. */
export const getGroupDefinitionVersionQuery = defineQuery<string | null, [string]>('getGroupDefinitionVersion');
/** What the store's update validator refuses (the API has already applied the full schema). */
export function groupDefinitionProblem(qualifiedName: unknown, definition: unknown): string | undefined {
  if (typeof qualifiedName !== 'string' || qualifiedName === '') return 'qualifiedName is required';
  const connectors = (definition as { connectors?: unknown } | undefined)?.connectors;
  if (!Array.isArray(connectors)) return 'connectors: expected an array';
  const seen = new Set<unknown>();
  for (const [index, connector] of connectors.entries()) {
    const name = (connector as { connectorName?: unknown } | undefined)?.connectorName;
    if (typeof name !== 'string' || name === '') return `connectors.${index}.connectorName: required`;
    if (seen.has(name)) return `connectors.${index}.connectorName: connectorName ${name} is used twice in this group`;
    seen.add(name);
  }
  return undefined;
}

export const listGroupDefinitionsQuery = defineQuery<StoredGroupDefinition[]>('listGroupDefinitions');
