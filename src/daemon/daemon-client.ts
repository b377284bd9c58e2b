import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { NotFoundError } from '../api/errors';
import { type IntegrationGroupConfig } from '../contracts/daemon';
import { daemonWorkflowId, getConnectorStatusQuery, getGroupsQuery, getGroupStatusQuery, reconcilerWorkflowId, refreshConfigUpdate, initialConnectorStatus, type ConnectorStatus, type GroupStatus, type ReconcileResult } from '../contracts/daemon-workflows';
import { TetherKind } from '../contracts/search-attributes';
import type { integrationDaemon } from '../workflows/integration-daemon';
import { isWorkflowNotFound, toApiError } from './workflow-errors';

export interface GroupReport {
  integrationGroupQualifiedName: string;
  omagserverPlatformRootURL: string;
  omagserverName: string;
  lastDefinitionError: string | null;
  lastReconciledAt: string | null;
  connectors: (ConnectorStatus & { workflowId: string; statusError?: string })[];
}

/** The API's view of the daemon workflows of one Temporal namespace: configure, read, and reach the connectors. */
export class DaemonClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly pollIntervalSeconds: number,
  ) {}

  /** Applies a configuration update, starting the server's daemon the first time (update-with-start). */
  async configure<Args extends unknown[]>(serverName: string, update: UpdateDefinition<void, Args>, ...args: Args): Promise<void> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof integrationDaemon>('integrationDaemon', {
      workflowId: daemonWorkflowId(serverName),
      taskQueue: this.taskQueue,
      args: [{ serverName, groups: [], pollIntervalSeconds: this.pollIntervalSeconds }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: TetherKind, value: 'daemon' }],
    });
    try {
      await this.client.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation });
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** Applies an update to an existing daemon only; a server never configured has nothing to remove. */
  async update<Args extends unknown[]>(serverName: string, update: UpdateDefinition<void, Args>, ...args: Args): Promise<boolean> {
    try {
      // The handle's overloads split on arity; the definition already ties args to the update.
      await this.client.workflow.getHandle(daemonWorkflowId(serverName)).executeUpdate(update.name, { args } as never);
      return true;
    } catch (err) {
      if (isWorkflowNotFound(err)) return false;
      throw toApiError(err);
    }
  }

  async groups(serverName: string): Promise<IntegrationGroupConfig[]> {
    try {
      return await this.client.workflow.getHandle(daemonWorkflowId(serverName)).query(getGroupsQuery);
    } catch (err) {
      if (isWorkflowNotFound(err)) return [];
      throw err;
    }
  }

  async refreshConfig(serverName: string, qualifiedName: string): Promise<ReconcileResult> {
    const configured = (await this.groups(serverName)).some((group) => group.integrationGroupQualifiedName === qualifiedName);
    const notConfigured = `Integration group ${qualifiedName} is not configured on server ${serverName}`;
    if (!configured) throw new NotFoundError(notConfigured);
    try {
      return await this.client.workflow.getHandle(reconcilerWorkflowId(serverName, qualifiedName)).executeUpdate(refreshConfigUpdate);
    } catch (err) {
      throw toApiError(err, notConfigured);
    }
  }

  /** Status of every configured group and its connectors; a run that cannot answer is reported, not fatal. */
  async status(serverName: string): Promise<GroupReport[]> {
    const groups = await this.groups(serverName);
    return Promise.all(groups.map((group) => this.groupReport(serverName, group)));
  }

  private async groupReport(serverName: string, group: IntegrationGroupConfig): Promise<GroupReport> {
    const base = {
      integrationGroupQualifiedName: group.integrationGroupQualifiedName,
      omagserverPlatformRootURL: group.omagserverPlatformRootURL,
      omagserverName: group.omagserverName,
    };
    let groupStatus: GroupStatus;
    try {
      groupStatus = await this.client.workflow.getHandle(reconcilerWorkflowId(serverName, group.integrationGroupQualifiedName)).query(getGroupStatusQuery);
    } catch (err) {
      // The daemon starts the reconciler right after the configuration update; until then there is nothing to show.
      return { ...base, lastDefinitionError: isWorkflowNotFound(err) ? null : (err as Error).message, lastReconciledAt: null, connectors: [] };
    }
    const connectors = await Promise.all(
      groupStatus.connectors.map(async ({ workflowId, definition }) => {
        try {
          return { ...(await this.client.workflow.getHandle(workflowId).query(getConnectorStatusQuery)), workflowId };
        } catch (err) {
          return {
            ...initialConnectorStatus(definition.connectorName, definition.connectorType, new Date().toISOString()),
            workflowId,
            statusError: (err as Error).message,
          };
        }
      }),
    );
    return { ...base, lastDefinitionError: groupStatus.lastDefinitionError, lastReconciledAt: groupStatus.lastReconciledAt, connectors };
  }

  /** Signals the named connector (or all connectors) of a server; answers how many were signalled. */
  async signalConnectors(serverName: string, signal: SignalDefinition<[]>, connectorName?: string): Promise<number> {
    const groups = await this.groups(serverName);
    const workflowIds: string[] = [];
    await Promise.all(
      groups.map(async (group) => {
        try {
          const { connectors } = await this.client.workflow.getHandle(reconcilerWorkflowId(serverName, group.integrationGroupQualifiedName)).query(getGroupStatusQuery);
          for (const connector of connectors) {
            if (connectorName === undefined || connector.definition.connectorName === connectorName) workflowIds.push(connector.workflowId);
          }
        } catch (err) {
          if (!isWorkflowNotFound(err)) throw err;
        }
      }),
    );
    await Promise.all(workflowIds.map((workflowId) => this.client.workflow.getHandle(workflowId).signal(signal)));
    return workflowIds.length;
  }
}
