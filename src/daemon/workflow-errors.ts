import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApiError, NotFoundError } from '../errors';
import { GroupNotConfigured, InvalidGroupConfig } from '../contracts/daemon-workflows';
import { GroupNotFound } from '../contracts/metadata-store';

const statusByFailureType: Record<string, number> = {
  [InvalidGroupConfig]: 400,
  InvalidGroupDefinition: 400,
  [GroupNotConfigured]: 404,
  [GroupNotFound]: 404,
};

/** True when the workflow addressed does not exist (never started). */
export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}

/**
 * Turns an update refused by a workflow validator into the API error it stands for (400 or 404);
 * `notFound` names what is missing when the workflow itself does not exist. Anything else is rethrown.
 */
export function toApiError(err: unknown, notFound?: string): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const status = statusByFailureType[err.cause.type ?? ''];
    if (status === 404) return new NotFoundError(err.cause.message);
    if (status) {
      // Validators write `field: reason`; the field becomes the Egeria envelope's parameterName.
      const field = /^([\w.]+): /.exec(err.cause.message)?.[1];
      return new ApiError(status, 'VALIDATION_FAILED', err.cause.message, field ? { [field]: [err.cause.message] } : undefined);
    }
  }
  if (notFound && isWorkflowNotFound(err)) return new NotFoundError(notFound);
  return err;
}
