import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TetherStateChangedAt } from './daemon-workflows';

/** Search attributes Tether runs carry (Keyword unless said), so the Temporal UI and the executions API filter runs. */
export const TetherKind = defineSearchAttributeKey('TetherKind', SearchAttributeType.KEYWORD);
export const TetherConnector = defineSearchAttributeKey('TetherConnector', SearchAttributeType.KEYWORD);
export const TetherAction = defineSearchAttributeKey('TetherAction', SearchAttributeType.KEYWORD);
export const TetherConnectionInstance = defineSearchAttributeKey('TetherConnectionInstance', SearchAttributeType.KEYWORD);
export const TetherIntegrationGroup = defineSearchAttributeKey('TetherIntegrationGroup', SearchAttributeType.KEYWORD);
/** On a replay: the execution id of the run it re-ran, so `TetherReplayOf = '<id>'` lists every replay of a run. */
export const TetherReplayOf = defineSearchAttributeKey('TetherReplayOf', SearchAttributeType.KEYWORD);
/** Tenant and environment of a behaviour execution (DESIGN §9). SQLite visibility allows 10 Keyword attributes per namespace. */
export const TetherTenant = defineSearchAttributeKey('TetherTenant', SearchAttributeType.KEYWORD);
export const TetherEnvironment = defineSearchAttributeKey('TetherEnvironment', SearchAttributeType.KEYWORD);

/** Datetime; defined with the daemon's workflow contracts, since connector workflows set it. */
export { TetherStateChangedAt };

export const tetherSearchAttributeKeys = [
  TetherKind,
  TetherConnector,
  TetherAction,
  TetherConnectionInstance,
  TetherIntegrationGroup,
  TetherReplayOf,
  TetherTenant,
  TetherEnvironment,
  TetherStateChangedAt,
] as const;

/** Values of TetherKind. */
export type RunKind = 'action' | 'health-check' | 'daemon' | 'group-reconciler' | 'integration-connector' | 'platform-connection' | 'behaviour';
