import { createActionActivities, type ActionActivityDeps } from './actions';

export type ActivityDeps = ActionActivityDeps;

/** All activities of the Tether worker, built from their dependencies (connector registry, clients, logger). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createActionActivities(deps),
  };
}
