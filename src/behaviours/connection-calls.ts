import type { Logger } from 'pino';
import { scopeMatches } from '../contracts/behaviours';
import type { ConfiguredInstance, ConnectorRegistry } from '../connectors/registry';
import { fieldErrors } from '../errors/validation';
import { redactError, secretSettingValues } from '../connectors/redaction';
import { metrics } from '../metrics';
import { MAX_CONNECTION_CALLS_AT_ONCE } from './limits';
import { actionInputsSchema, withoutNulls } from '../spi/input-schema';
import type { ConnectionCallMessage, ConnectionResultMessage } from './protocol';

/** Longest a behaviour's call to a connection instance may take, whatever the action declares. */
const CONNECTION_CALL_TIMEOUT_MS = 60_000;

/**
 * Who is calling: the tenant and environment of the Behaviour Server the message came from (the manager's
 * own record, never anything the child sent), and whether the message names a call running on that server.
 */
export interface ConnectionCaller {
  tenant: string;
  environment: string;
  callInFlight: boolean;
  /** Connection calls of the same server running now (this one not counted). */
  running: number;
}

/** Whether the instance's `behaviours` list admits the caller's tenant and environment (none when absent). */
export function mayCallInstance(instance: ConfiguredInstance, tenant: string, environment: string): boolean {
  return (instance.behaviours ?? []).some((pattern) => scopeMatches(pattern, tenant, environment));
}

/**
 * Runs a behaviour's call to one of the connector's configured connection instances, here in the manager:
 * the handler gets the instance with its resolved settings, the behaviour gets only outputs or the error's
 * name, message and details, with the instance's secret settings and URL userinfo redacted as in an SPI
 * call's failure (the behaviour may return or log what it gets, into histories). Deny by default: the instance's `behaviours` list must admit
 * the caller's scope. An unknown connector or instance gets the same refusal as a forbidden one, so a tenant
 * cannot learn which instances exist for others. At most MAX_CONNECTION_CALLS_AT_ONCE run at once per server, so
 * a behaviour cannot flood the worker or a target. Inputs are checked like an SPI call's.
 */
export async function runConnectionCall(registry: ConnectorRegistry, log: Logger, caller: ConnectionCaller, message: ConnectionCallMessage): Promise<ConnectionResultMessage> {
  const fail = (name: string, text: string, details?: unknown): ConnectionResultMessage => ({
    type: 'connection-result',
    requestId: message.requestId,
    ok: false,
    error: { name, message: text, ...(details === undefined ? {} : { details }) },
  });
  const { tenant, environment } = caller;
  const connector = registry.find(message.connector);
  const instance = connector?.instances.find((candidate) => candidate.id === message.instance);
  if (!connector || !instance || !caller.callInFlight || !mayCallInstance(instance, tenant, environment)) {
    metrics.recordBehaviourConnectionCall(tenant, environment, 'refused');
    // Names and scope only: never the instance's settings, never the inputs.
    log.warn(
      { tenant, environment, connector: message.connector, instance: message.instance, action: message.action, callInFlight: caller.callInFlight },
      'behaviour refused a connection instance',
    );
    return fail(
      'ConnectionForbiddenError',
      `Connection instance ${message.connector}/${message.instance} may not be used by behaviours of ${tenant}/${environment} (403: not configured, or its behaviours list does not include ${tenant}/${environment})`,
      { status: 403, code: 'CONNECTION_FORBIDDEN', connector: message.connector, instance: message.instance, tenant, environment },
    );
  }
  if (caller.running >= MAX_CONNECTION_CALLS_AT_ONCE) {
    metrics.recordBehaviourConnectionCall(tenant, environment, 'throttled');
    return fail(
      'TooManyConnectionCallsError',
      `Behaviours of ${tenant}/${environment} have ${MAX_CONNECTION_CALLS_AT_ONCE} connection calls running on this connector, the most at once (429); wait for one to finish`,
      { status: 429, code: 'TOO_MANY_CONNECTION_CALLS', limit: MAX_CONNECTION_CALLS_AT_ONCE },
    );
  }
  metrics.recordBehaviourConnectionCall(tenant, environment, 'allowed');
  const action = connector.definition.actions.find((candidate) => candidate.path === message.action || candidate.name === message.action);
  if (!action) return fail('ConnectorConfigError', `Connector ${message.connector} has no action ${message.action}; known: ${connector.definition.actions.map((known) => known.path).join(', ')}`);
  const inputs = actionInputsSchema(action.inputs).safeParse(withoutNulls(message.inputs));
  if (!inputs.success) return fail('ValidationError', `Inputs of ${message.connector}/${action.path} are invalid`, fieldErrors(inputs.error));
  try {
    const outputs = await action.handler({
      instance,
      inputs: inputs.data,
      signal: AbortSignal.timeout(Math.min((action.execution?.timeoutSeconds ?? 60) * 1000, CONNECTION_CALL_TIMEOUT_MS)),
      log: log.child({ connector: message.connector, action: action.name, behaviourCall: message.callId, tenant, environment }),
    });
    return { type: 'connection-result', requestId: message.requestId, ok: true, outputs };
  } catch (err) {
    const redacted = redactError(err, secretSettingValues(connector.definition.secretSettings, instance.settings));
    if (!(redacted instanceof Error)) return fail('Error', String(redacted));
    return fail(redacted.name, redacted.message, (redacted as { details?: unknown }).details);
  }
}
