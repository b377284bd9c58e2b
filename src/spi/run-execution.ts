import type { Workflow } from '@temporalio/common';
import { errorBody } from '../errors';
import type { ExecutionView } from '../contracts/spi';
import { awaitWithin, executionHeaders, executionLinks, startOrAttach, type StartOptions } from './executions';
import { executionFailureToApiError } from './failures';
import { prefersAsync, type SpiDeps, type SpiRequest, type SpiResponse } from './request';

export interface RunOptions<W extends Workflow> extends StartOptions<W> {
  workflowType: string;
  /** Shapes the 200 answer from the run's result. */
  answer(result: Awaited<ReturnType<W>>): unknown;
}

/**
 * Starts (or attaches to) one execution and answers like DESIGN §4 says: the result within the sync
 * window, else — or with `Prefer: respond-async` — 202 with the execution's id and links. Every answer
 * names the execution and links its run in the Temporal UI (`X-Tether-Execution-Id`, `X-Tether-Execution-Ui`;
 * in error bodies `executionId` and `links`; the 200 body is the SPI's and stays as the catalog expects it).
 */
export async function runExecution<W extends Workflow>(deps: SpiDeps, request: SpiRequest, options: RunOptions<W>): Promise<SpiResponse> {
  const handle = await startOrAttach<W>(deps, options.workflowType, options);
  const executionId = options.workflowId;
  const headers = executionHeaders(deps, executionId);
  const links = executionLinks(deps, executionId);
  deps.log.debug({ executionId }, 'execution started');
  const respondAsync = prefersAsync(request);
  const outcome = respondAsync ? { settled: false as const } : await awaitWithin<Awaited<ReturnType<W>>>(handle, deps.syncWindowMs);
  if (!outcome.settled) {
    const body: ExecutionView = { executionId, status: 'RUNNING', links };
    return { status: 202, headers: { ...headers, Location: links.self, ...(respondAsync ? { 'Preference-Applied': 'respond-async' } : {}) }, body };
  }
  if ('error' in outcome) {
    const failure = executionFailureToApiError(outcome.error, executionId);
    const { error } = errorBody(failure);
    return { status: failure.status, headers, body: { error: { ...error, links } } };
  }
  return { status: 200, headers, body: options.answer(outcome.result) };
}
