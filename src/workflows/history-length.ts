import { workflowInfo } from '@temporalio/workflow';

/** Long-running workflows continue as new past this many events, well before Temporal's own limits. */
const MAX_HISTORY_EVENTS = 2_000;

/** True when this run should continue as new to keep its history short (under maxEvents, if a workflow wants it shorter). */
export function historyIsLong(maxEvents = MAX_HISTORY_EVENTS): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > maxEvents;
}
