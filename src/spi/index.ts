/** The Remote Connector SPI service: transport-independent entry point and its types. */
export { handleSpiRequest } from './service';
export type { SpiDeps, SpiRequest, SpiResponse } from './request';
export { buildDescriptor } from './descriptor';
export { actionInputsSchema, inputTypeSchema } from './input-schema';
