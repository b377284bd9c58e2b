import type { ActionDefinition } from '../connectors/sdk';
import { defaultActionPolicy, type ActionPolicy } from '../contracts/action';

/** The execution policy an action declares, completed with the defaults; recorded in the run's input. */
export function resolveActionPolicy(action: ActionDefinition<unknown>): ActionPolicy {
  return { ...defaultActionPolicy, ...definedOnly(action.execution ?? {}) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Health checks are short and single-attempt: the catalog asks again if it wants to. */
export const HEALTH_CHECK_TIMEOUT_SECONDS = 20;

/** Extra time a run gets beyond its action's deadline, for workflow tasks around the activity. */
const RUN_DEADLINE_MARGIN_MS = 30_000;

/** Deadline of a whole action run, so a run nobody serves cannot hang around. */
export const actionRunDeadlineMs = (policy: ActionPolicy) => policy.timeoutSeconds * 1000 + RUN_DEADLINE_MARGIN_MS;
