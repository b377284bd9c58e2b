import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../connectors/registry';
import { fieldErrors } from '../errors/validation';
import { actionInputsSchema, withoutNulls } from '../spi/input-schema';
import type { ConnectionCallMessage, ConnectionResultMessage } from './protocol';

/** Longest a behaviour's call to a connection instance may take, whatever the action declares. */
const CONNECTION_CALL_TIMEOUT_MS = 60_000;

/**
 * Runs a behaviour's call to one of the connector's configured connection instances, here in the manager:
 * the handler gets the instance with its resolved settings, the behaviour gets only outputs or the error's
 * name, message and details (never the settings). Inputs are checked like an SPI call's.
 */
export async function runConnectionCall(registry: ConnectorRegistry, log: Logger, message: ConnectionCallMessage): Promise<ConnectionResultMessage> {
  const fail = (name: string, text: string, details?: unknown): ConnectionResultMessage => ({
    type: 'connection-result',
    requestId: message.requestId,
    ok: false,
    error: { name, message: text, ...(details === undefined ? {} : { details }) },
  });
  const connector = registry.find(message.connector);
  if (!connector) return fail('ConnectorConfigError', `No connector ${message.connector} is configured; known: ${registry.list().map((known) => known.definition.path).join(', ')}`);
  const instance = connector.instances.find((candidate) => candidate.id === message.instance);
  if (!instance) return fail('ConnectorConfigError', `Connector ${message.connector} has no connection instance ${message.instance}; known: ${connector.instances.map((known) => known.id).join(', ')}`);
  const action = connector.definition.actions.find((candidate) => candidate.path === message.action || candidate.name === message.action);
  if (!action) return fail('ConnectorConfigError', `Connector ${message.connector} has no action ${message.action}; known: ${connector.definition.actions.map((known) => known.path).join(', ')}`);
  const inputs = actionInputsSchema(action.inputs).safeParse(withoutNulls(message.inputs));
  if (!inputs.success) return fail('ValidationError', `Inputs of ${message.connector}/${action.path} are invalid`, fieldErrors(inputs.error));
  try {
    const outputs = await action.handler({
      instance,
      inputs: inputs.data,
      signal: AbortSignal.timeout(Math.min((action.execution?.timeoutSeconds ?? 60) * 1000, CONNECTION_CALL_TIMEOUT_MS)),
      log: log.child({ connector: message.connector, action: action.name, behaviourCall: message.callId }),
    });
    return { type: 'connection-result', requestId: message.requestId, ok: true, outputs };
  } catch (err) {
    const error = err as { name?: string; message?: string; details?: unknown };
    return fail(error?.name ?? 'Error', error?.message ?? String(err), error?.details);
  }
}
