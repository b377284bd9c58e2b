/** Every workflow the Tether worker runs (the worker bundles this file). */
export { executeAction } from './execute-action';
export { checkConnectionHealth } from './check-connection-health';
