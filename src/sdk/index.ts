/**
 * The connector SDK: what `require('tether/sdk')` / `import … from 'tether/sdk'` gives a plugin, and what the
 * built-in connectors import. A curated export list; the definitions live beside the code that runs them.
 */
export { z } from 'zod';
export {
  defineConnector,
  ConnectorDeclarationError,
  type ActionContext,
  type ActionDefinition,
  type ActionExecutionPolicy,
  type ConnectionInstance,
  type ConnectorDefinition,
  type HealthContext,
  type HealthReport,
  type InputDescriptor,
  type IntegrationDefinition,
  type OutputDescriptor,
  type RefreshContext,
  type RefreshResult,
  type SpiInputType,
} from '../connectors/sdk';
export { BusinessError, ConnectorConfigError, TargetTimeoutError, TargetUnavailableError } from '../connectors/errors';
export { callAction, callHealthCheck, type ActionCall, type HealthCheckCall } from './testing';
