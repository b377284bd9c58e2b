import { workflowInfo } from '@temporalio/workflow';

/** Long-running workflows continue as new past this many events, well before Temporal's own limits. */
const MAX_HISTORY_EVENTS = 2_000;

/** True when this run should continue as new to keep its history short. */
export function historyIsLong(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS;
}
