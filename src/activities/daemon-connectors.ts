import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { redactText, redactValue } from '../connectors/redaction';
import type { ConnectorRegistry } from '../connectors/registry';
import { secretReferences } from '../connectors/secrets';
import { ConnectorConfigError } from '../contracts/daemon-workflows';
import { setConnectorState } from '../metrics';

export interface DaemonConnectorDeps {
  registry: ConnectorRegistry;
  log: Logger;
}

export interface IntegrationConnectorCall {
  /** The integration group's qualified name, for the connector-state metric. */
  group: string;
  connectorName: string;
  connectorType: string;
  configuration: Record<string, unknown>;
}

/** `ok: false` is a configuration problem (CONFIG_FAILED): no restart will fix it, only a new definition. */
export type ConnectorValidation = { ok: true } | { ok: false; reason: string };

export interface RefreshRequest extends IntegrationConnectorCall {
  previousState: unknown;
}

export interface RefreshOutcome {
  summary: string;
  state: unknown;
}

/** Failure type of a refresh that failed; the connector workflow restarts on its restart policy. */
export const RefreshFailed = 'RefreshFailed';

/** Runs the integration side of connectors: checks a configuration, runs one refresh. */
export function createDaemonConnectorActivities({ registry, log }: DaemonConnectorDeps) {
  function resolve(call: IntegrationConnectorCall) {
    const connector = registry.findIntegration(call.connectorType);
    if (!connector?.integration) {
      const known = registry.list().filter((c) => c.definition.integration).map((c) => c.definition.type);
      return { error: `Unknown connectorType ${call.connectorType}; this worker knows ${known.join(', ') || 'no integration connectors'}` } as const;
    }
    const parsed = connector.integration.configuration.safeParse(call.configuration);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `configuration.${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return { error: `Invalid configuration for ${call.connectorType}: ${problems.join('; ')}` } as const;
    }
    // Secrets the definition references must be declared for this connector: checked before the first refresh.
    const user = { connectorType: connector.type, group: call.group, connectorName: call.connectorName };
    const refused = secretReferences(parsed.data).flatMap(({ at, name }) => {
      const refusal = registry.secrets.refusal(name, user);
      return refusal ? [`configuration.${at}: ${refusal}`] : [];
    });
    if (refused.length) return { error: `Invalid configuration for ${call.connectorType}: ${refused.join('; ')}` } as const;
    return { connector, configuration: parsed.data, user } as const;
  }

  // The metric shows each connector's state as of its last validation or refresh in this worker.
  const publishState = (call: IntegrationConnectorCall, status: string) =>
    setConnectorState({ group: call.group, connector: call.connectorName, status });

  return {
    async validateIntegrationConnector(call: IntegrationConnectorCall): Promise<ConnectorValidation> {
      const resolved = resolve(call);
      const validation: ConnectorValidation = 'error' in resolved ? { ok: false, reason: resolved.error! } : { ok: true };
      publishState(call, validation.ok ? 'WAITING' : 'CONFIG_FAILED');
      return validation;
    },

    async refreshIntegrationConnector(request: RefreshRequest): Promise<RefreshOutcome> {
      const context = Context.current();
      const resolved = resolve(request);
      if ('error' in resolved) {
        publishState(request, 'CONFIG_FAILED');
        throw ApplicationFailure.nonRetryable(resolved.error!, ConnectorConfigError);
      }
      // Heartbeats let Temporal notice a worker that died mid-refresh without waiting for the whole timeout. A local
      // activity (the refresh inside a workflow task) cannot heartbeat: the task's own timeout notices that.
      const beat = context.info.isLocal ? undefined : setInterval(() => context.heartbeat(), 2_000);
      // Values revealed to this refresh are removed from what it reports (status view, history).
      const revealed: string[] = [];
      try {
        const result = await resolved.connector.integration!.refresh({
          configuration: resolved.configuration,
          connectorName: request.connectorName,
          previousState: request.previousState,
          secrets: registry.secrets.resolverFor(resolved.user, revealed),
          signal: context.cancellationSignal,
          log: log.child({ integrationConnector: request.connectorName, connectorType: request.connectorType }),
        });
        publishState(request, 'RUNNING');
        return { summary: redactText(result.summary, revealed), state: redactValue(result.state ?? null, revealed) };
      } catch (err) {
        publishState(request, 'RESTARTING');
        throw ApplicationFailure.nonRetryable(redactText(err instanceof Error ? err.message : String(err), revealed), RefreshFailed);
      } finally {
        clearInterval(beat);
      }
    },
  };
}
