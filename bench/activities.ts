import { noopHandler } from './connector';

/** The plain baseline's one activity: the same no-op handler the Tether and direct variants run. */
export function createPlainActivities() {
  return {
    plainNoop: (inputs: Record<string, unknown>) => noopHandler(inputs),
  };
}
