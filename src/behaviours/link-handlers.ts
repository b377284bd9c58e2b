import type { BehaviourLinkHandlers } from '../platform/link';
import { callBehaviour, type BehaviourCallDeps } from './call-behaviour';

/** Connects the platform link to the Behaviours Manager: announcements install versions, calls run them. */
export function behaviourLinkHandlers(deps: BehaviourCallDeps): BehaviourLinkHandlers {
  return {
    announce: (current, fetch) => deps.manager.announce(current, fetch),
    call: (call) => callBehaviour(deps, call),
  };
}
