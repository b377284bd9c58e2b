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
