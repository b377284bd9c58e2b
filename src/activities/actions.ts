import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { ActionRequest, ActionResult, HealthCheckRequest } from '../contracts/action';
import { BusinessError, ConnectorConfigError, FailureType, TargetTimeoutError, TargetUnavailableError } from '../connectors/errors';
import { redactError, redactValue, secretSettingValues } from '../connectors/redaction';
import type { ConnectorRegistry } from '../connectors/registry';
import type { HealthReport } from '../connectors/sdk';
import { recordExecution } from '../metrics';
import { recordable } from './recordable';
import type { ExecutionOutcome } from '../metrics/tether-metrics';

export interface ActionActivityDeps {
  registry: ConnectorRegistry;
  log: Logger;
}

/**
 * Turns a connector's classified error into the Temporal failure that decides retrying. Classified by class:
 * the SDK's `instanceof` recognises errors from any copy of the SDK (a plugin resolving its own `tether/sdk`).
 */
export function toFailure(err: unknown): Error {
  if (err instanceof BusinessError) {
    return ApplicationFailure.create({ message: err.message, type: FailureType.business, nonRetryable: true, details: err.details === undefined ? [] : [err.details] });
  }
  if (err instanceof ConnectorConfigError) return ApplicationFailure.create({ message: err.message, type: FailureType.config, nonRetryable: true });
  if (err instanceof TargetTimeoutError) return ApplicationFailure.create({ message: err.message, type: FailureType.timeout });
  if (err instanceof TargetUnavailableError) return ApplicationFailure.create({ message: err.message, type: FailureType.unavailable });
  return err instanceof Error ? err : new Error(String(err));
}

function resolve(registry: ConnectorRegistry, connectorPath: string, connectionInstanceId: string) {
  const connector = registry.find(connectorPath);
  if (!connector) throw new ConnectorConfigError(`Connector ${connectorPath} is not configured on this worker`);
  const instance = connector.instances.find((candidate) => candidate.id === connectionInstanceId);
  if (!instance) throw new ConnectorConfigError(`Connection instance ${connectionInstanceId} of ${connectorPath} is not configured on this worker`);
  return { connector, instance };
}

/** How an attempt ended, when it ends the execution: undefined for a failure Temporal will retry. */
function finalOutcome(failure: Error, request: ActionRequest, attempt: number): ExecutionOutcome | undefined {
  const type = (failure as { type?: string }).type;
  if (type === FailureType.business) return 'business_failure';
  if (type === FailureType.config) return 'failed';
  if (attempt < request.policy.maximumAttempts) return undefined;
  return type === FailureType.timeout ? 'timed_out' : 'failed';
}

/** Activities that run connector code: the action handlers and the health checks. */
export function createActionActivities({ registry, log }: ActionActivityDeps) {
  return {
    async runAction(request: ActionRequest): Promise<ActionResult> {
      const context = Context.current();
      const started = performance.now();
      // Counted here, in the worker, so executions nobody waits for (async, relayed) are counted too.
      const record = (outcome: ExecutionOutcome) =>
        recordExecution({ connector: request.connectorPath, action: request.actionName, outcome, durationSeconds: (performance.now() - started) / 1000 });
      // The instance's secret settings, removed from whatever the attempt reports (SPI errors, histories, logs).
      let secrets: string[] = [];
      try {
        const { connector, instance } = resolve(registry, request.connectorPath, request.connectionInstanceId);
        secrets = secretSettingValues(connector.definition.secretSettings, instance.settings);
        const action = connector.definition.actions.find((candidate) => candidate.path === request.actionPath);
        if (!action) throw new ConnectorConfigError(`Action ${request.actionPath} of ${request.connectorPath} is not configured on this worker`);
        let actionLog: Logger | undefined;
        const outputs = await action.handler({
          instance,
          inputs: request.inputs,
          signal: context.cancellationSignal,
          // Built when the handler logs: a pino child per call is measurable on the fast path, and most handlers never log.
          get log() {
            return (actionLog ??= log.child({ connector: request.connectorPath, action: action.name, attempt: context.info.attempt }));
          },
        });
        const checked = recordable(outputs, `${request.connectorPath}/${request.actionPath}`);
        record('succeeded');
        return { outputs: checked };
      } catch (err) {
        // Classified first (a redacted copy is a plain Error), then the failure is redacted.
        const failure = redactError(toFailure(err), secrets) as Error;
        const outcome = finalOutcome(failure, request, context.info.attempt);
        if (outcome) record(outcome);
        throw failure;
      }
    },

    /** Never throws for a failing target: the SPI reports CONNECTION_FAILURE with the reason. */
    async checkHealth(request: HealthCheckRequest): Promise<HealthReport> {
      const context = Context.current();
      let secrets: string[] = [];
      try {
        const { connector, instance } = resolve(registry, request.connectorPath, request.connectionInstanceId);
        secrets = secretSettingValues(connector.definition.secretSettings, instance.settings);
        const report = await connector.definition.checkHealth({
          instance,
          signal: context.cancellationSignal,
          log: log.child({ connector: request.connectorPath, healthCheck: instance.id }),
        });
        return redactValue(report, secrets);
      } catch (err) {
        const message = redactValue(err instanceof Error ? err.message : String(err), secrets);
        return { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
      }
    },
  };
}
