import { WithStartWorkflowOperation, type Client, type QueryDefinition } from '@temporalio/client';
import type { Logger } from 'pino';
import { NotFoundError } from '../errors';
import { definitionChangedSignal } from '../contracts/daemon-workflows';
import { type IntegrationGroupDefinition } from '../contracts/metadata';
import { deleteGroupDefinitionUpdate, getGroupDefinitionQuery, getGroupDefinitionVersionQuery, listGroupDefinitionsQuery, metadataStoreWorkflowId, putGroupDefinitionUpdate, type PutGroupDefinitionResult, type StoredGroupDefinition } from '../contracts/metadata-store';
import { TetherKind } from '../contracts/search-attributes';
import type { metadataStore } from '../workflows/metadata-store';
import { isWorkflowNotFound, toApiError } from './workflow-errors';

/** A visibility query literal, or undefined when the name cannot be quoted safely (polling then covers it). */
function quoted(value: string): string | undefined {
  return /['"\\]/.test(value) ? undefined : `'${value}'`;
}

/** The API's view of the metadata-store workflows: definitions in, definitions out, local reconcilers told at once. */
export class MetadataClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly log: Logger,
  ) {}

  private handle(metadataServerName: string) {
    return this.client.workflow.getHandle(metadataStoreWorkflowId(metadataServerName));
  }

  async put(metadataServerName: string, qualifiedName: string, definition: IntegrationGroupDefinition): Promise<PutGroupDefinitionResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof metadataStore>('metadataStore', {
      workflowId: metadataStoreWorkflowId(metadataServerName),
      taskQueue: this.taskQueue,
      args: [{ metadataServerName, groups: [] }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: TetherKind, value: 'metadata-store' }],
    });
    let result: PutGroupDefinitionResult;
    try {
      result = await this.client.workflow.executeUpdateWithStart(putGroupDefinitionUpdate, { args: [{ qualifiedName, definition }], startWorkflowOperation });
    } catch (err) {
      throw toApiError(err);
    }
    await this.notifyReconcilers(metadataServerName, qualifiedName);
    return result;
  }

  async get(metadataServerName: string, qualifiedName: string): Promise<StoredGroupDefinition> {
    return this.queryDefined(metadataServerName, qualifiedName, getGroupDefinitionQuery);
  }

  /** The definition's version (its `updatedAt`) without the definition itself; NotFoundError when it is not defined. */
  async version(metadataServerName: string, qualifiedName: string): Promise<string> {
    return this.queryDefined(metadataServerName, qualifiedName, getGroupDefinitionVersionQuery);
  }

  /** Asks the store about one group; its null (or no store at all) is the same NotFoundError. */
  private async queryDefined<T>(metadataServerName: string, qualifiedName: string, query: QueryDefinition<T | null, [string]>): Promise<T> {
    const notFound = `Integration group ${qualifiedName} is not defined on metadata server ${metadataServerName}`;
    try {
      const answer = await this.handle(metadataServerName).query(query, qualifiedName);
      if (!answer) throw new NotFoundError(notFound);
      return answer;
    } catch (err) {
      throw toApiError(err, notFound);
    }
  }

  async list(metadataServerName: string): Promise<StoredGroupDefinition[]> {
    try {
      return await this.handle(metadataServerName).query(listGroupDefinitionsQuery);
    } catch (err) {
      if (isWorkflowNotFound(err)) return [];
      throw err;
    }
  }

  async delete(metadataServerName: string, qualifiedName: string): Promise<void> {
    try {
      await this.handle(metadataServerName).executeUpdate(deleteGroupDefinitionUpdate, { args: [qualifiedName] });
    } catch (err) {
      throw toApiError(err, `Integration group ${qualifiedName} is not defined on metadata server ${metadataServerName}`);
    }
    await this.notifyReconcilers(metadataServerName, qualifiedName);
  }

  /**
   * Push: signals the running reconcilers of this group (found through visibility) so a change lands in
   * about a second instead of a polling interval. Best effort — polling still catches whatever this misses.
   */
  private async notifyReconcilers(metadataServerName: string, qualifiedName: string): Promise<void> {
    const group = quoted(qualifiedName);
    if (!group) return;
    try {
      const query = `TetherKind = 'group-reconciler' AND TetherIntegrationGroup = ${group} AND ExecutionStatus = 'Running'`;
      const signals: Promise<void>[] = [];
      for await (const run of this.client.workflow.list({ query })) {
        signals.push(this.client.workflow.getHandle(run.workflowId).signal(definitionChangedSignal, { metadataServerName, qualifiedName }).catch(() => undefined));
      }
      await Promise.all(signals);
    } catch (err) {
      this.log.warn({ err, metadataServerName, qualifiedName }, 'could not notify reconcilers; they will notice on their next poll');
    }
  }
}
