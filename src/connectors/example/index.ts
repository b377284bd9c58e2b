import { randomInt } from 'node:crypto';
import { BusinessError, defineConnector, z } from '../../sdk';

/** The seed's example connector (type com.example.my.connector): orders a product. */
export const exampleConnector = defineConnector({
  name: 'My Connector',
  version: '1.0',
  type: 'com.example.my.connector',
  path: 'myconnector',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: z.object({ shippingState: z.string().default('CA'), shippingCity: z.string().default('Santa Clara') }),
  actions: [
    {
      name: 'submitOrder',
      displayName: 'Submit Order',
      path: 'order_product',
      inputs: [
        { name: 'recipient', type: 'String', required: true },
        { name: 'quantity', type: 'Integer' },
        { name: 'productId', type: 'String' },
      ],
      outputs: [
        { name: 'orderId', type: 'Object' },
        { name: 'ETA', type: 'Object' },
        { name: 'shippingAddress', type: 'Object' },
      ],
      async handler({ instance, inputs }) {
        const quantity = (inputs.quantity as number | undefined) ?? 1;
        if (quantity < 1) throw new BusinessError(`quantity must be at least 1, got ${quantity}`);
        const eta = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 19);
        return {
          orderId: String(randomInt(100_000_000, 999_999_999)),
          ETA: eta,
          shippingAddress: { state: instance.settings.shippingState, city: instance.settings.shippingCity },
        };
      },
    },
    {
      name: 'echoTypes',
      displayName: 'Echo Types',
      path: 'echo_types',
      inputs: [
        { name: 'text', type: 'String' },
        { name: 'count', type: 'Integer' },
        { name: 'ratio', type: 'Double' },
        { name: 'when', type: 'DateTime' },
        { name: 'data', type: 'Object' },
        { name: 'flag', type: 'Boolean' },
      ],
      outputs: [{ name: 'received', type: 'Object' }],
      // A no-op: shows exactly what the SPI typing handed the handler (and measures the platform's overhead).
      async handler({ inputs }) {
        return { received: inputs };
      },
    },
  ],
  async checkHealth({ instance }) {
    return {
      status: 'CONNECTION_SUCCESS',
      message: null,
      messages: [{ severity: 'INFO', message: `example connector ready (${instance.name})` }],
    };
  },
});
