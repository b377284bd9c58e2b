/** Workflow contract of behaviour executions (DESIGN §9), shared by the connector side and the workflow: no zod, no Node. */

/** What a behaviour execution runs; recorded in its history, so the version that ran is always known. */
export interface BehaviourRequest {
  tenant: string;
  environment: string;
  name: string;
  version: string;
  input: unknown;
  timeoutMs: number;
  /** Set when this run replays an earlier execution. */
  replayOf?: string;
}

export interface BehaviourResult {
  output: unknown;
  version: string;
}

/** Failure types of a behaviour attempt; only a dead server process is retried. */
export const BehaviourFailureType = {
  /** The behaviour threw: 422 with its message and file:line. */
  threw: 'BehaviourError',
  /** The version did not build: 400 naming file:line:col. */
  build: 'BehaviourBuildError',
  /** No such exported function: 404 listing the known ones. */
  notFound: 'BehaviourNotFound',
  /** The call ran past its timeout; its server was killed and replaced: 504. */
  timeout: 'BehaviourTimeout',
  /** The server process died under the call (crash, out of memory): retried on a fresh server. */
  serverDied: 'BehaviourServerDied',
  /** This worker does not have the version (e.g. the platform link moved to another worker). */
  unavailable: 'BehaviourUnavailable',
} as const;

export const behaviourWorkflowType = 'executeBehaviour';

/** `behaviour/{tenant}/{environment}/{name}/{requestId}` (DESIGN §9). */
export const behaviourWorkflowId = (tenant: string, environment: string, name: string, requestId: string) => `behaviour/${tenant}/${environment}/${name}/${requestId}`;

/** Deadline of a whole behaviour run: three attempts (a dead server is retried), each with time to kill a looping server, and workflow tasks around them. */
export const behaviourRunDeadlineMs = (timeoutMs: number) => 3 * (timeoutMs + 5_000) + 30_000;
