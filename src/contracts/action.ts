/** Workflow contracts of action and health-check executions, shared by the API and the workflows. */

export interface ActionPolicy {
  timeoutSeconds: number;
  maximumAttempts: number;
  initialRetrySeconds: number;
  mode: 'local' | 'regular';
}

/** What the API hands the action workflow: everything needed to run, and to replay, one action. */
export interface ActionRequest {
  connectorPath: string;
  actionPath: string;
  actionName: string;
  connectionInstanceId: string;
  inputs: Record<string, unknown>;
  /** Resolved by the API from the connector declaration, so the run's history records what was applied. */
  policy: ActionPolicy;
  /** Set when this run replays an earlier execution. */
  replayOf?: string;
}

export interface ActionResult {
  outputs: Record<string, unknown>;
}

export interface HealthCheckRequest {
  connectorPath: string;
  connectionInstanceId: string;
  timeoutSeconds: number;
}

export const defaultActionPolicy: ActionPolicy = {
  timeoutSeconds: 60,
  maximumAttempts: 3,
  initialRetrySeconds: 1,
  mode: 'local',
};
