import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { createRouters, routeDocs } from '../../src/api/routers';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { createLogger } from '../../src/logging/logger';
import { parseKeyRing } from '../../src/temporal/codec';
import { startTestTether, testCodecKey, testCredentials, type TestTether } from '../support/tether';

describe('OpenAPI document', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({ worker: false });
  });
  afterAll(() => tether.stop());

  it('is served at /openapi.json and validates as OpenAPI 3.0', async () => {
    const document = (await request(tether.url).get('/openapi.json').expect(200)).body;
    expect(document.openapi).toBe('3.0.3');
    // validate() throws, naming the offending path, when the document breaks the OpenAPI 3.0 schema.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('documents every route the API serves', () => {
    const routers = createRouters({
      settings: tether.settings,
      credentials: testCredentials,
      log: createLogger('silent'),
      client: tether.client,
      registry: loadConnectorRegistry(tether.settings),
      keyRing: parseKeyRing(testCodecKey),
      taskQueue: tether.settings.TETHER_TASK_QUEUE,
      readiness: [],
    });
    const served = routers.flatMap((router) =>
      router.stack.flatMap((layer) => layer.methods.filter((method) => !['HEAD', 'OPTIONS'].includes(method)).map((method) => `${method.toLowerCase()} ${layer.path}`)),
    );
    const documented = new Set(routeDocs.map((doc) => `${doc.method} ${doc.path}`));
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    expect(served.length).toBeGreaterThan(10);
  });

  it('generates request schemas from the same zod schemas that validate', async () => {
    const document = (await request(tether.url).get('/openapi.json').expect(200)).body;
    const list = document.paths['/admin/executions'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['connector', 'action', 'status', 'since', 'limit']));
    expect(list.security).toEqual([{ adminBearer: [] }]);
  });

  it('types each action body from its declared inputs', async () => {
    const document = (await request(tether.url).get('/openapi.json').expect(200)).body;
    const submit = document.paths['/myconnector/order_product'].post;
    const inputs = submit.requestBody.content['application/json'].schema.properties.inputs;
    expect(inputs.required).toEqual(['recipient']);
    expect(inputs.properties.quantity.type).toBe('integer');
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '422']));
  });
});
