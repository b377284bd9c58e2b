import type { Descriptor } from '../contracts/spi';
import type { ConnectorRegistry } from '../connectors/registry';

/**
 * The server descriptor exactly as seed 002 shapes it. Built from declarations and instance ids/names only:
 * settings (and so secrets) and the `secret` input flags never reach it.
 */
export function buildDescriptor(registry: ConnectorRegistry): Descriptor {
  return {
    connectors: registry.list().map(({ definition, instances }) => ({
      name: definition.name,
      version: definition.version,
      type: definition.type,
      path: definition.path,
      capabilities: [...definition.capabilities],
      activeConnectionInstances: instances.map(({ id, name }) => ({ id, name })),
      actions: definition.actions.map((action) => ({
        name: action.name,
        displayName: action.displayName,
        path: action.path,
        inputs: action.inputs.map(({ name, type, required }) => ({ name, type, required: required ?? false })),
        outputs: action.outputs.map(({ name, type }) => ({ name, type })),
      })),
    })),
  };
}
