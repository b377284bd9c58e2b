import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { apiRoutes, createApiRouter } from '../../src/api/routers';
import { apiDepsOf, startTestTether, type TestTether } from '../support/tether';

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

  it('documents every route the API serves, with the security its declaration names', async () => {
    const document = (await request(tether.url).get('/openapi.json').expect(200)).body;
    const routes = apiRoutes(apiDepsOf(tether));
    const router = createApiRouter(apiDepsOf(tether), routes);
    // The router serves exactly the table's routes (HEAD rides along with GET)...
    const served = router.stack.filter((layer) => layer.methods.length > 0).flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method.toLowerCase()} ${layer.path}`));
    expect(served).toEqual(routes.map((route) => `${route.method} ${route.path}`));
    // ...and the document has each of them, secured as declared.
    for (const route of routes) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect({ route: `${route.method} ${route.path}`, documented: operation !== undefined }).toEqual({ route: `${route.method} ${route.path}`, documented: true });
      expect(operation.security.length === 0).toBe(route.auth === 'public');
    }
    expect(routes.length).toBeGreaterThan(10);
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
