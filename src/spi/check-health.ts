import { parseOrThrow } from '../errors/validation';
import { TetherConnectionInstance, TetherConnector, TetherKind } from '../contracts/search-attributes';
import { HealthCheckCall, type HealthCheckAnswer } from '../contracts/spi';
import type { RegisteredConnector } from '../connectors/registry';
import type { checkConnectionHealth } from '../workflows/check-connection-health';
import { HEALTH_CHECK_TIMEOUT_SECONDS } from './action-policy';
import { healthWorkflowId, requestIdFor } from './execution-ids';
import { headerValue, type SpiDeps, type SpiRequest, type SpiResponse } from './request';
import { runExecution } from './run-execution';

const failure = (connectionInstanceId: string, message: string): HealthCheckAnswer => ({
  connectionInstanceId,
  response: { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] },
});

/**
 * `POST /{connector}/com.bmc.dsm.catalog:checkHealth`: always 200 with CONNECTION_SUCCESS or
 * CONNECTION_FAILURE (an unknown connection instance is a failed connection, naming the known ones).
 */
export async function checkHealth(deps: SpiDeps, request: SpiRequest, connector: RegisteredConnector): Promise<SpiResponse> {
  const { definition, instances } = connector;
  const { connectionInstanceId } = parseOrThrow(HealthCheckCall, request.body ?? undefined);
  if (!instances.some((instance) => instance.id === connectionInstanceId)) {
    const known = instances.map((instance) => instance.id).join(', ') || 'none';
    return { status: 200, body: failure(connectionInstanceId, `Connector ${definition.path} has no connection instance ${connectionInstanceId} (known: ${known})`) };
  }
  const response = await runExecution<typeof checkConnectionHealth>(deps, request, {
    workflowType: 'checkConnectionHealth',
    workflowId: healthWorkflowId(definition.path, connectionInstanceId, requestIdFor(headerValue(request, 'idempotency-key'))),
    args: [{ connectorPath: definition.path, connectionInstanceId, timeoutSeconds: HEALTH_CHECK_TIMEOUT_SECONDS }],
    searchAttributes: [
      { key: TetherKind, value: 'health-check' },
      { key: TetherConnector, value: definition.path },
      { key: TetherConnectionInstance, value: connectionInstanceId },
    ],
    executionTimeoutMs: (HEALTH_CHECK_TIMEOUT_SECONDS + 10) * 1000,
    answer: (report): HealthCheckAnswer => ({ connectionInstanceId, response: report }),
  });
  // A failed run (e.g. no worker served it in time) is still a health answer, not an HTTP error.
  if (response.status >= 400) {
    const error = (response.body as { error: { message: string } }).error;
    return { status: 200, headers: response.headers, body: failure(connectionInstanceId, error.message) };
  }
  return response;
}
