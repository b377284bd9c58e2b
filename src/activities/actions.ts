import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { ActionRequest, ActionResult, HealthCheckRequest } from '../contracts/action';
import { ConnectorConfigError, FailureType } from '../connectors/errors';
import type { ConnectorRegistry } from '../connectors/registry';
import type { HealthReport } from '../connectors/sdk';

export interface ActionActivityDeps {
  registry: ConnectorRegistry;
  log: Logger;
}

/**
 * Turns a connector's classified error into the Temporal failure that decides retrying. Classified by the
 * error's name, not its class, so a plugin loaded with its own copy of the errors module (or declaring an
 * error named `BusinessError`) is classified the same.
 */
export function toFailure(err: unknown): Error {
  const error = err as { name?: string; message?: string; details?: unknown } | undefined;
  switch (error?.name) {
    case FailureType.business:
      return ApplicationFailure.create({ message: error.message ?? '', type: FailureType.business, nonRetryable: true, details: error.details === undefined ? [] : [error.details] });
    case FailureType.config:
      return ApplicationFailure.create({ message: error.message ?? '', type: FailureType.config, nonRetryable: true });
    case FailureType.timeout:
      return ApplicationFailure.create({ message: error.message ?? '', type: FailureType.timeout });
    case FailureType.unavailable:
      return ApplicationFailure.create({ message: error.message ?? '', type: FailureType.unavailable });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function resolve(registry: ConnectorRegistry, connectorPath: string, connectionInstanceId: string) {
  const connector = registry.find(connectorPath);
  if (!connector) throw new ConnectorConfigError(`Connector ${connectorPath} is not configured on this worker`);
  const instance = connector.instances.find((candidate) => candidate.id === connectionInstanceId);
  if (!instance) throw new ConnectorConfigError(`Connection instance ${connectionInstanceId} of ${connectorPath} is not configured on this worker`);
  return { connector, instance };
}

/** Activities that run connector code: the action handlers and the health checks. */
export function createActionActivities({ registry, log }: ActionActivityDeps) {
  return {
    async runAction(request: ActionRequest): Promise<ActionResult> {
      const context = Context.current();
      try {
        const { connector, instance } = resolve(registry, request.connectorPath, request.connectionInstanceId);
        const action = connector.definition.actions.find((candidate) => candidate.path === request.actionPath);
        if (!action) throw new ConnectorConfigError(`Action ${request.actionPath} of ${request.connectorPath} is not configured on this worker`);
        const outputs = await action.handler({
          instance,
          inputs: request.inputs,
          signal: context.cancellationSignal,
          log: log.child({ connector: request.connectorPath, action: action.name, attempt: context.info.attempt }),
        });
        return { outputs };
      } catch (err) {
        throw toFailure(err);
      }
    },

    /** Never throws for a failing target: the SPI reports CONNECTION_FAILURE with the reason. */
    async checkHealth(request: HealthCheckRequest): Promise<HealthReport> {
      const context = Context.current();
      try {
        const { connector, instance } = resolve(registry, request.connectorPath, request.connectionInstanceId);
        return await connector.definition.checkHealth({
          instance,
          signal: context.cancellationSignal,
          log: log.child({ connector: request.connectorPath, healthCheck: instance.id }),
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
      }
    },
  };
}
