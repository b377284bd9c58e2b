import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import {
  deleteGroupDefinitionUpdate,
  getGroupDefinitionQuery,
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

  setHandler(getGroupDefinitionQuery, (qualifiedName) => groups.get(qualifiedName) ?? null);
  setHandler(listGroupDefinitionsQuery, () => [...groups.values()]);
  setHandler(
    putGroupDefinitionUpdate,
    ({ qualifiedName, definition }) => {
      const created = !groups.has(qualifiedName);
      const stored = { qualifiedName, definition, updatedAt: new Date().toISOString() };
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
