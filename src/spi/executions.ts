import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair, Workflow } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ExecutionLinks } from '../contracts/spi';
import { temporalUiLink } from '../temporal/ui-link';
import { isTemporalUnavailable, withinTemporalDeadline } from '../temporal/unavailable';
import { assertSameRequest, requestDigestMemoKey, type Idempotency } from './idempotency';

/** Where an execution runs and how responses link to it. */
export interface ExecutionContext {
  client: Client;
  taskQueue: string;
  namespace: string;
  /** Base URL of the Temporal Web UI for deep links; omitted links when unknown. */
  temporalUiUrl?: string;
  /** Public base URL of this API for absolute `self` links; relative links otherwise. */
  publicUrl?: string;
}

export interface StartOptions<W extends Workflow> {
  workflowId: string;
  args: Parameters<W>;
  searchAttributes: SearchAttributePair[];
  /** Deadline of the whole run, so a run nobody serves cannot hang around. */
  executionTimeoutMs: number;
  /** One line the Temporal UI shows on the run's page (encrypted like every payload). */
  summary?: string;
  /** The call's Idempotency-Key and request digest: recorded on a new run, compared when joining one. */
  idempotency?: Idempotency;
}

/**
 * Starts a run, or attaches to the one already holding this workflow id, running or closed (a closed one is
 * never started again: REJECT_DUPLICATE) — which is what makes an Idempotency-Key return the original
 * execution instead of running twice. The conflict policy is FAIL, not USE_EXISTING, so that every join, and
 * only a join, comes back as ALREADY_EXISTS: there a keyed call checks it asks for the same request (one
 * describe), while a call without a key or a key's first call costs the one start RPC. Eager start hands the first
 * workflow task straight to this process's worker, saving a round trip through the task queue. Bounded by
 * TEMPORAL_CALL_DEADLINE_MS: an unreachable Temporal fails fast (503) instead of the SDK's own 5–9 s of retries.
 */
export async function startOrAttach<W extends Workflow>(context: ExecutionContext, workflowType: string, options: StartOptions<W>): Promise<WorkflowHandle<W>> {
  try {
    return (await withinTemporalDeadline(context.client.workflow.start<Workflow>(workflowType, {
      taskQueue: context.taskQueue,
      workflowId: options.workflowId,
      args: options.args as unknown[],
      typedSearchAttributes: options.searchAttributes,
      workflowExecutionTimeout: options.executionTimeoutMs,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      requestEagerStart: true,
      ...(options.summary ? { staticSummary: options.summary } : {}),
      ...(options.idempotency ? { memo: { [requestDigestMemoKey]: options.idempotency.digest } } : {}),
    }), `starting ${options.workflowId}`)) as WorkflowHandle<W>;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const existing = context.client.workflow.getHandle<W>(options.workflowId);
    if (options.idempotency) await assertSameRequest(existing, options.idempotency);
    return existing;
  }
}

export type Outcome<T> = { settled: true; result: T } | { settled: true; error: unknown } | { settled: false };

/**
 * Waits for the run's result up to `windowMs`; past it, stops waiting (the run goes on). The result's long
 * poll is left to end with the run (its execution timeout bounds it): the native connection Tether's client
 * uses ignores abort signals (SDK 1.24: "TODO: add support for abortSignal"), so wrapping the poll in
 * `withAbortSignal` bought nothing but an AsyncLocalStorage scope and an AbortController per call.
 */
export async function awaitWithin<T>(handle: WorkflowHandle, windowMs: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const windowClosed = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), windowMs);
  });
  const settled = handle.result().then(
    (result): Outcome<T> => ({ settled: true, result: result as T }),
    // Temporal going away after the start leaves the run in place: answer 202 with its id, not a failure.
    (error): Outcome<T> => (isTemporalUnavailable(error) ? { settled: false } : { settled: true, error }),
  );
  try {
    return await Promise.race([settled, windowClosed]);
  } finally {
    clearTimeout(timer);
  }
}

/** `self` (this API's execution resource) and `ui` (the run in the Temporal Web UI). */
export function executionLinks(context: ExecutionContext, executionId: string): ExecutionLinks {
  // Execution ids contain slashes (`action/myconnector/order_product/…`): one encoded path segment.
  const self = `${context.publicUrl?.replace(/\/$/, '') ?? ''}/rcf/executions/${encodeURIComponent(executionId)}`;
  const ui = temporalUiLink(context.temporalUiUrl, context.namespace, executionId);
  return ui ? { self, ui } : { self };
}

/** Headers naming the execution an answer comes from, and its run in the Temporal Web UI when known. */
export function executionHeaders(context: ExecutionContext, executionId: string): Record<string, string> {
  const ui = temporalUiLink(context.temporalUiUrl, context.namespace, executionId);
  return { 'X-Tether-Execution-Id': executionId, ...(ui ? { 'X-Tether-Execution-Ui': ui } : {}) };
}
