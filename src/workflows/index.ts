/** Every workflow the Tether worker runs (the worker bundles this file). */
export { executeAction } from './execute-action';
export { checkConnectionHealth } from './check-connection-health';
export { integrationDaemon } from './integration-daemon';
export { groupReconciler } from './group-reconciler';
export { integrationConnector } from './integration-connector';
export { metadataStore } from './metadata-store';
export { platformConnection } from './platform-connection';
export { executeBehaviour } from './execute-behaviour';
