import { z } from 'zod';
import { HealthReport, SpiInputType } from '../connectors/sdk';
import { ErrorInfo } from './errors';
import { ExecutionLinks } from './links';

/**
 * Wire contracts of the Remote Connector SPI (seed 002, DESIGN §4). Envelopes ignore properties they
 * do not know (the catalog's forward-compatibility rule), so they are plain (stripping) objects.
 */

/** `POST /{connector}/{action}` body. Inputs are typed per action later (see src/spi/input-schema.ts). */
export const ActionCall = z.object({
  connectionInstanceId: z.string({ error: 'required (a connection instance id)' }).min(1, 'required (a connection instance id)'),
  inputs: z.record(z.string(), z.unknown(), { error: 'expected an object of inputs' }).nullish(),
});
export type ActionCall = z.infer<typeof ActionCall>;

/** `POST /{connector}/com.bmc.dsm.catalog:checkHealth` body. */
export const HealthCheckCall = z.object({
  connectionInstanceId: z.string({ error: 'required (a connection instance id)' }).min(1, 'required (a connection instance id)'),
  request: z.unknown().optional(),
});
export type HealthCheckCall = z.infer<typeof HealthCheckCall>;

export const CHECK_HEALTH_PATH = 'com.bmc.dsm.catalog:checkHealth';

export const DescriptorInput = z.object({ name: z.string(), type: SpiInputType, required: z.boolean() });
export const DescriptorOutput = z.object({ name: z.string(), type: z.literal('Object') });
export const DescriptorAction = z.object({
  name: z.string(),
  displayName: z.string(),
  path: z.string(),
  inputs: z.array(DescriptorInput),
  outputs: z.array(DescriptorOutput),
});
export const DescriptorConnector = z.object({
  name: z.string(),
  version: z.string(),
  type: z.string(),
  path: z.string(),
  capabilities: z.array(z.string()),
  activeConnectionInstances: z.array(z.object({ id: z.string(), name: z.string() })),
  actions: z.array(DescriptorAction),
});
/** `GET /rcf/descriptor`: what the catalog learns about this server. Never carries settings. */
export const Descriptor = z.object({ connectors: z.array(DescriptorConnector) });
export type Descriptor = z.infer<typeof Descriptor>;

export const ActionAnswer = z.object({ outputs: z.record(z.string(), z.unknown()) });
export type ActionAnswer = z.infer<typeof ActionAnswer>;

export const HealthCheckAnswer = z.object({ connectionInstanceId: z.string(), response: HealthReport });
export type HealthCheckAnswer = z.infer<typeof HealthCheckAnswer>;

/** Temporal's execution statuses, as the executions endpoints report them. */
export const ExecutionStatus = z.enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'UNKNOWN']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export { ExecutionLinks } from './links';


/** 202 answer (past the sync window or `Prefer: respond-async`) and `GET /rcf/executions/{id}`. */
export const ExecutionView = z.object({
  executionId: z.string(),
  status: ExecutionStatus,
  links: ExecutionLinks,
  /** When COMPLETED: an action's outputs (a health check's answer is under `response`). */
  outputs: z.record(z.string(), z.unknown()).optional(),
  response: HealthReport.optional(),
  /** When failed: the error the synchronous call would have answered, and its HTTP status. */
  error: ErrorInfo.optional(),
  httpStatus: z.number().int().optional(),
});
export type ExecutionView = z.infer<typeof ExecutionView>;
