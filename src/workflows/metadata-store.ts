import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  deleteGroupDefinitionUpdate,
  getGroupDefinitionQuery,
  getGroupDefinitionVersionQuery,
  groupDefinitionProblem,
  GroupNotFound,
  listGroupDefinitionsQuery,
  putGroupDefinitionUpdate,
  type MetadataStoreInput,
  type StoredGroupDefinition,
} from '../contracts/metadata-store';
import { historyIsLong } from './history-length';

/** Keeps one metadata server's integration group definitions: updates write, queries read, so every API replica agrees. */
export async function metadataStore(input: MetadataStoreInput): Promise<void> {
  const groups = new Map<string, StoredGroupDefinition>(input.groups.map((group) => [group.qualifiedName, group]));

  // updatedAt is a definition's version (the API's ETag): two puts in one workflow task share Date.now(), so each
  // put takes a time strictly after every earlier one, and no two versions of a group are ever alike.
  let lastUpdate = Math.max(0, ...input.groups.map((group) => Date.parse(group.updatedAt)));

  setHandler(getGroupDefinitionQuery, (qualifiedName) => groups.get(qualifiedName) ?? null);
  setHandler(getGroupDefinitionVersionQuery, (qualifiedName) => groups.get(qualifiedName)?.updatedAt ?? null);
  setHandler(listGroupDefinitionsQuery, () => [...groups.values()]);
  setHandler(
    putGroupDefinitionUpdate,
    ({ qualifiedName, definition }) => {
      const created = !groups.has(qualifiedName);
      lastUpdate = Math.max(Date.now(), lastUpdate + 1);
      const stored = { qualifiedName, definition, updatedAt: new Date(lastUpdate).toISOString() };
      groups.set(qualifiedName, stored);
      return { created, stored };
    },
    {
      validator: ({ qualifiedName, definition }) => {
        const problem = groupDefinitionProblem(qualifiedName, definition);
        if (problem) throw ApplicationFailure.nonRetryable(problem, 'InvalidGroupDefinition');
      },
    },
  );
  setHandler(deleteGroupDefinitionUpdate, (qualifiedName) => void groups.delete(qualifiedName), {
    validator: (qualifiedName) => {
      if (!groups.has(qualifiedName)) throw ApplicationFailure.nonRetryable(`Group ${qualifiedName} is not defined on ${input.metadataServerName}`, GroupNotFound);
    },
  });

  // Nothing to do between requests; only keep the history short.
  await condition(historyIsLong);
  await condition(allHandlersFinished);
  await continueAsNew<typeof metadataStore>({ metadataServerName: input.metadataServerName, groups: [...groups.values()] });
}
