import { WorkflowNotFoundError } from '@temporalio/common';
import { NotFoundError, errorBody } from '../errors';
import type { ActionResult } from '../contracts/action';
import { ExecutionStatus, type ExecutionView } from '../contracts/spi';
import type { HealthReport } from '../connectors/sdk';
import { executionHeaders, executionLinks } from './executions';
import { isSpiExecutionId } from './execution-ids';
import { executionFailureToApiError } from './failures';
import type { SpiDeps, SpiResponse } from './request';

/**
 * `GET /rcf/executions/{executionId}`: the status of an action or health-check execution, with its outputs
 * when completed or the error the synchronous call would have answered (and that answer's HTTP status).
 */
export async function executionStatus(deps: SpiDeps, executionId: string): Promise<SpiResponse> {
  const notFound = () => new NotFoundError(`No SPI execution ${executionId}`, { executionId });
  if (!isSpiExecutionId(executionId)) throw notFound();
  const handle = deps.client.workflow.getHandle(executionId);
  let statusName: string | undefined;
  try {
    statusName = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  const status = ExecutionStatus.catch('UNKNOWN').parse(statusName);
  const view: ExecutionView = { executionId, status, links: executionLinks(deps, executionId) };
  if (status !== 'RUNNING') {
    try {
      const result = await handle.result();
      if (executionId.startsWith('health/')) view.response = result as HealthReport;
      // A behaviour's result is `{output, version}`, as its synchronous answer.
      else if (executionId.startsWith('behaviour/')) view.outputs = result as Record<string, unknown>;
      else view.outputs = (result as ActionResult).outputs;
    } catch (err) {
      const failure = executionFailureToApiError(err, executionId);
      view.error = errorBody(failure).error;
      view.httpStatus = failure.status;
    }
  }
  return { status: 200, headers: executionHeaders(deps, executionId), body: view };
}
