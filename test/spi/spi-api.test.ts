import type { ActionRequest } from '../../src/contracts/action';
import { devDefaults } from '../../src/config/connectors';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { adminAuth, spiAuth, startTestTether, testCredentials, type TestTether } from '../support/tether';
import { historyText } from './history-text';
import { attempts, gates, testConnector } from './test-connector';

const SECRET = 'sk-live-very-secret-api-key-0042';

describe('Remote Connector SPI over HTTP', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether({
      env: { TETHER_SYNC_WINDOW_MS: '1500' },
      registry: () =>
        new ConnectorRegistry([
          ...devDefaults(),
          {
            definition: testConnector,
            instances: [
              { id: 'MAIN', name: 'Main', settings: { apiKey: SECRET } },
              { id: 'BROKEN', name: 'Broken', settings: { apiKey: SECRET } },
            ],
          },
        ]),
    });
  });
  afterAll(() => tether.stop());

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = spiAuth) {
    const response = await fetch(tether.url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, body: json, headers: response.headers };
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => call('POST', path, body, { ...spiAuth, ...headers });

  describe('descriptor and health', () => {
    it('serves GET /rcf/health without credentials', async () => {
      const response = await call('GET', '/rcf/health', undefined, {});
      expect(response).toMatchObject({ status: 200, body: 'OK' });
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    });

    it('describes the connectors exactly as the seed shapes them, without settings', async () => {
      const { status, body } = await call('GET', '/rcf/descriptor');
      expect(status).toBe(200);
      const example = body.connectors.find((connector: { path: string }) => connector.path === 'myconnector');
      expect(Object.keys(example).sort()).toEqual(['actions', 'activeConnectionInstances', 'capabilities', 'name', 'path', 'type', 'version']);
      expect(example).toMatchObject({ name: 'My Connector', version: '1.0', type: 'com.example.my.connector' });
      expect(example.activeConnectionInstances).toEqual([
        { id: 'DEV', name: 'Development' },
        { id: 'PROD', name: 'Production' },
      ]);
      expect(example.actions[0]).toEqual({
        name: 'submitOrder',
        displayName: 'Submit Order',
        path: 'order_product',
        inputs: [
          { name: 'recipient', type: 'String', required: true },
          { name: 'quantity', type: 'Integer', required: false },
          { name: 'productId', type: 'String', required: false },
        ],
        outputs: [
          { name: 'orderId', type: 'Object' },
          { name: 'ETA', type: 'Object' },
          { name: 'shippingAddress', type: 'Object' },
        ],
      });
      expect(example.actions.map((action: { path: string }) => action.path)).toEqual(['order_product', 'echo_types']);
      expect(body.connectors.map((connector: { path: string }) => connector.path)).toEqual(['myconnector', 'http-poll', 'folder-monitor', 'testing']);
      expect(JSON.stringify(body)).not.toContain(SECRET);
      expect(JSON.stringify(body)).not.toMatch(/settings|secret/i);
    });

    it('accepts HTTP Basic, the SPI token and the admin token; refuses missing or wrong credentials with 401', async () => {
      for (const headers of [spiAuth, { Authorization: `Bearer ${testCredentials.spiToken}` }, adminAuth]) {
        expect((await call('GET', '/rcf/descriptor', undefined, headers)).status).toBe(200);
      }
      const missing = await call('GET', '/rcf/descriptor', undefined, {});
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('UNAUTHENTICATED');
      const wrong = await call('POST', '/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob' } }, {
        Authorization: `Basic ${Buffer.from('catalog:wrong').toString('base64')}`,
      });
      expect(wrong.status).toBe(401);
      expect((await call('GET', '/rcf/executions/action%2Fx%2Fy%2Fz', undefined, {})).status).toBe(401);
    });
  });

  describe('actions', () => {
    it('runs the seed example and answers {outputs}', async () => {
      const response = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 1, productId: '93820' } });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['outputs']);
      expect(response.body.outputs).toMatchObject({ orderId: expect.stringMatching(/^\d{9}$/), shippingAddress: { state: 'CA', city: 'Santa Clara' } });
      expect(response.headers.get('x-tether-execution-id')).toMatch(/^action\/myconnector\/order_product\//);
      const executionId = response.headers.get('x-tether-execution-id')!;
      expect(response.headers.get('x-tether-execution-ui')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(executionId)}`);
    });

    it('runs each action as a workflow with a meaningful id and the search attributes', async () => {
      const response = await post('/myconnector/echo_types', { connectionInstanceId: 'PROD', inputs: { count: 1 } }, { 'Idempotency-Key': `attrs-${Date.now()}` });
      const executionId = response.headers.get('x-tether-execution-id')!;
      expect(executionId).toMatch(/^action\/myconnector\/echo_types\/key-attrs-\d+$/);
      const description = await tether.client.workflow.getHandle(executionId).describe();
      expect(description.type).toBe('executeAction');
      const attributes = Object.fromEntries(description.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value]));
      expect(attributes).toMatchObject({ TetherKind: 'action', TetherConnector: 'myconnector', TetherAction: 'echoTypes', TetherConnectionInstance: 'PROD' });
    });

    it('ignores unknown properties in the envelope and among the inputs', async () => {
      const response = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', correlationId: 'x', inputs: { count: 2, brandNew: true } });
      expect(response).toMatchObject({ status: 200, body: { outputs: { received: { count: 2 } } } });
    });

    it('answers 400 naming every bad field, in the envelope and the inputs', async () => {
      const response = await post('/myconnector/order_product', { inputs: { quantity: 'two', productId: 93820 } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details).toEqual({
        connectionInstanceId: ['required (a connection instance id)'],
        'inputs.recipient': ['required'],
        'inputs.quantity': ['expected Integer'],
      });
      expect(response.body.error.message).toContain('inputs.quantity: expected Integer');
    });

    it('answers 400 for a body that is not JSON, or inputs that are not an object', async () => {
      const malformed = await fetch(`${tether.url}/myconnector/order_product`, { method: 'POST', headers: { ...spiAuth, 'Content-Type': 'application/json' }, body: '{"connectionInstanceId":' });
      expect(malformed.status).toBe(400);
      const notObject = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: [1, 2] });
      expect(notObject.status).toBe(400);
      expect(Object.keys(notObject.body.error.details)).toEqual(['inputs']);
      expect((await post('/myconnector/order_product', undefined)).status).toBe(400);
    });

    it('answers 404 for an unknown connector, action or connection instance, listing the known ones', async () => {
      const connector = await post('/nope/order_product', { connectionInstanceId: 'DEV' });
      expect(connector.status).toBe(404);
      expect(connector.body.error).toMatchObject({ code: 'UNKNOWN_CONNECTOR', details: { knownConnectors: ['myconnector', 'http-poll', 'folder-monitor', 'testing'] } });
      const action = await post('/myconnector/cancel_order', { connectionInstanceId: 'DEV' });
      expect(action.status).toBe(404);
      expect(action.body.error.details).toEqual({ connector: 'myconnector', knownActions: ['order_product', 'echo_types'] });
      const instance = await post('/myconnector/order_product', { connectionInstanceId: 'QA', inputs: { recipient: 'Bob' } });
      expect(instance.status).toBe(404);
      expect(instance.body.error).toMatchObject({ code: 'UNKNOWN_CONNECTION_INSTANCE', details: { connector: 'myconnector', knownConnectionInstances: ['DEV', 'PROD'] } });
    });

    it('answers 405 for a GET on an action path', async () => {
      const response = await call('GET', '/myconnector/order_product');
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it('maps a business failure to 422 with its details and the execution id, without retrying', async () => {
      const response = await post('/testing/refuse', { connectionInstanceId: 'MAIN' });
      expect(response.status).toBe(422);
      expect(response.body.error).toEqual({
        code: 'BUSINESS_ERROR',
        message: 'order limit reached',
        details: { limit: 5 },
        executionId: expect.stringMatching(/^action\/testing\/refuse\//),
        links: { self: expect.stringMatching(/^\/rcf\/executions\/action%2Ftesting%2Frefuse%2F/), ui: expect.stringMatching(/^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/action%2Ftesting%2Frefuse%2F/) },
      });
      expect(response.headers.get('x-tether-execution-ui')).toBe(response.body.error.links.ui);
    });

    it('retries an unavailable target and answers 200 when an attempt succeeds', async () => {
      const response = await post('/testing/flaky', { connectionInstanceId: 'MAIN', inputs: { key: 'recovers', failures: 2 } });
      expect(response).toMatchObject({ status: 200, body: { outputs: { attempt: 3 } } });
    });

    it('answers 502 when the target stays unavailable after the retries', async () => {
      const response = await post('/testing/flaky', { connectionInstanceId: 'MAIN', inputs: { key: 'stays-down', failures: 99 } });
      expect(response.status).toBe(502);
      expect(response.body.error).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: 'target down (attempt 3)', executionId: expect.any(String) });
      expect(attempts.get('stays-down')).toBe(3);
    });

    it('answers 502 for an unclassified connector error once its retries are spent', async () => {
      const response = await post('/testing/crash', { connectionInstanceId: 'MAIN' });
      expect(response.status).toBe(502);
      expect(response.body.error).toMatchObject({ code: 'CONNECTOR_FAILED', executionId: expect.any(String) });
    });

    it('answers 504 for a target timeout and for an execution past its deadline', async () => {
      const target = await post('/testing/slow_target', { connectionInstanceId: 'MAIN' });
      expect(target.status).toBe(504);
      expect(target.body.error).toMatchObject({ code: 'TARGET_TIMEOUT', executionId: expect.any(String) });
      const deadline = await post('/testing/overrun', { connectionInstanceId: 'MAIN' });
      expect(deadline.status).toBe(504);
      expect(deadline.body.error).toMatchObject({ code: 'EXECUTION_TIMEOUT', executionId: expect.any(String) });
    });

    it('keeps secret settings out of the run history (the payload names the instance, not its settings)', async () => {
      const response = await post('/testing/use_key', { connectionInstanceId: 'MAIN', inputs: { note: 'visible-note' } });
      expect(response).toMatchObject({ status: 200, body: { outputs: { keyLength: SECRET.length } } });
      const text = await historyText(tether.client, response.headers.get('x-tether-execution-id')!);
      expect(text).toContain('visible-note');
      expect(text).not.toContain(SECRET);
    });
  });

  describe('durable execution', () => {
    async function runsOf(executionId: string) {
      const runs = [];
      for await (const run of tether.client.workflow.list({ query: `WorkflowId = '${executionId}'` })) runs.push(run);
      return runs;
    }

    it('returns the same execution for a repeated Idempotency-Key with the same request, sync and async, running it once', async () => {
      const key = `order-${Date.now()}`;
      const first = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 2 } }, { 'Idempotency-Key': key });
      // Key order, a null (= absent) and a property Tether ignores do not make it another request.
      const again = { inputs: { productId: null, quantity: 2, recipient: 'Bob' }, connectionInstanceId: 'DEV', catalogTrace: 'ignored' };
      const second = await post('/myconnector/order_product', again, { 'Idempotency-Key': key });
      const asynchronous = await post('/myconnector/order_product', again, { 'Idempotency-Key': key, Prefer: 'respond-async' });
      expect(first.status).toBe(200);
      expect(second).toMatchObject({ status: 200, body: first.body });
      const executionId = first.headers.get('x-tether-execution-id')!;
      expect(second.headers.get('x-tether-execution-id')).toBe(executionId);
      expect(asynchronous).toMatchObject({ status: 202, body: { executionId } });
      expect(await runsOf(executionId)).toHaveLength(1);
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED, sync and async, when the key comes back with other inputs or another connection instance', async () => {
      const key = `reuse-${Date.now()}`;
      const first = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob' } }, { 'Idempotency-Key': key });
      expect(first.status).toBe(200);
      const executionId = first.headers.get('x-tether-execution-id')!;
      const otherRequests: { body: unknown; headers: Record<string, string> }[] = [
        { body: { connectionInstanceId: 'DEV', inputs: { recipient: 'Alice-the-other-recipient' } }, headers: {} },
        { body: { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity: 3 } }, headers: { Prefer: 'respond-async' } },
        { body: { connectionInstanceId: 'PROD', inputs: { recipient: 'Bob' } }, headers: {} },
        { body: { connectionInstanceId: 'PROD', inputs: { recipient: 'Bob' } }, headers: { Prefer: 'respond-async' } },
      ];
      for (const other of otherRequests) {
        const refused = await post('/myconnector/order_product', other.body, { 'Idempotency-Key': key, ...other.headers });
        expect(refused.status).toBe(422);
        expect(refused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', executionId });
        expect(refused.body.error.message).toContain(key);
        expect(refused.body.error.message).toContain(executionId);
        expect(JSON.stringify(refused.body)).not.toMatch(/Alice|PROD|quantity/);
      }
      // No second run, and the original still answers its own result to its own request.
      expect(await runsOf(executionId)).toHaveLength(1);
      const original = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob' } }, { 'Idempotency-Key': key });
      expect(original).toMatchObject({ status: 200, body: first.body });
    });

    it('costs one start RPC without a key and for a key\'s first call; only a join describes the run', async () => {
      const service = tether.client.workflowService;
      const starts = jest.spyOn(service, 'startWorkflowExecution');
      const describes = jest.spyOn(service, 'describeWorkflowExecution');
      try {
        const counted = async (headers: Record<string, string>) => {
          starts.mockClear();
          describes.mockClear();
          const response = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'hot' } }, headers);
          expect(response.status).toBe(200);
          return { starts: starts.mock.calls.length, describes: describes.mock.calls.length };
        };
        const key = `hot-${Date.now()}`;
        expect(await counted({})).toEqual({ starts: 1, describes: 0 });
        expect(await counted({ 'Idempotency-Key': key })).toEqual({ starts: 1, describes: 0 });
        expect(await counted({ 'Idempotency-Key': key })).toEqual({ starts: 1, describes: 1 });
      } finally {
        starts.mockRestore();
        describes.mockRestore();
      }
    });

    it('does not echo a key that may be a secret in the 422', async () => {
      const key = `secret key ${Date.now()} with spaces`;
      await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'one' } }, { 'Idempotency-Key': key });
      const refused = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'two' } }, { 'Idempotency-Key': key });
      expect(refused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', executionId: expect.stringContaining('/key-sha256-') });
      expect(JSON.stringify(refused.body)).not.toContain(key);
    });

    it('scopes a key to its action: the same key on another action is another execution', async () => {
      const key = `scoped-${Date.now()}`;
      const order = await post('/myconnector/order_product', { connectionInstanceId: 'DEV', inputs: { recipient: 'Bob' } }, { 'Idempotency-Key': key });
      const echo = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'hi' } }, { 'Idempotency-Key': key });
      expect([order.status, echo.status]).toEqual([200, 200]);
      expect(echo.body).toEqual({ outputs: { received: { text: 'hi' } } });
      expect(order.headers.get('x-tether-execution-id')).not.toBe(echo.headers.get('x-tether-execution-id'));
    });

    it('joins a keyed run recorded before request digests existed, whatever the request (as before)', async () => {
      const key = `legacy-${Date.now()}`;
      const executionId = `action/myconnector/echo_types/key-${key}`;
      const request: ActionRequest = {
        connectorPath: 'myconnector',
        actionPath: 'echo_types',
        actionName: 'echoTypes',
        connectionInstanceId: 'DEV',
        inputs: { text: 'old' },
        policy: { timeoutSeconds: 30, maximumAttempts: 1, initialRetrySeconds: 1, mode: 'regular' },
      };
      // Started as Tether did before: no request digest in the memo.
      const legacy = await tether.client.workflow.start('executeAction', { taskQueue: tether.settings.TETHER_TASK_QUEUE, workflowId: executionId, args: [request] });
      await legacy.result();
      const joined = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'new' } }, { 'Idempotency-Key': key });
      expect(joined).toMatchObject({ status: 200, body: { outputs: { received: { text: 'old' } } } });
      expect(joined.headers.get('x-tether-execution-id')).toBe(executionId);
    });

    it('joins a run still in progress for a repeated Idempotency-Key', async () => {
      const key = `gate-${Date.now()}`;
      const first = post('/testing/wait', { connectionInstanceId: 'MAIN', inputs: { gate: key } }, { 'Idempotency-Key': key, Prefer: 'respond-async' });
      const accepted = await first;
      expect(accepted.status).toBe(202);
      const second = post('/testing/wait', { connectionInstanceId: 'MAIN', inputs: { gate: key } }, { 'Idempotency-Key': key });
      await new Promise((resolve) => setTimeout(resolve, 200));
      gates.get(key)!();
      const joined = await second;
      expect(joined).toMatchObject({ status: 200, body: { outputs: { opened: true } } });
      expect(joined.headers.get('x-tether-execution-id')).toBe(accepted.body.executionId);
    });

    it('answers 202 with links for Prefer: respond-async, and GET /rcf/executions/{id} reports the outputs', async () => {
      const accepted = await post('/myconnector/echo_types', { connectionInstanceId: 'DEV', inputs: { text: 'later' } }, { Prefer: 'respond-async' });
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('preference-applied')).toBe('respond-async');
      const { executionId, status, links } = accepted.body;
      expect(status).toBe('RUNNING');
      expect(links).toEqual({
        self: `/rcf/executions/${encodeURIComponent(executionId)}`,
        ui: `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(executionId)}`,
      });
      expect(accepted.headers.get('location')).toBe(links.self);
      expect(accepted.headers.get('x-tether-execution-ui')).toBe(links.ui);
      await tether.client.workflow.getHandle(executionId).result();
      const done = await call('GET', links.self);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ executionId, status: 'COMPLETED', outputs: { received: { text: 'later' } } });
    });

    it('answers 202 past the sync window; the execution finishes later', async () => {
      const gate = `window-${Date.now()}`;
      const started = Date.now();
      const accepted = await post('/testing/wait', { connectionInstanceId: 'MAIN', inputs: { gate } });
      expect(accepted.status).toBe(202);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      const running = await call('GET', accepted.body.links.self);
      expect(running.body).toMatchObject({ status: 'RUNNING' });
      expect(running.body.outputs).toBeUndefined();
      gates.get(gate)!();
      await tether.client.workflow.getHandle(accepted.body.executionId).result();
      expect((await call('GET', accepted.body.links.self)).body).toMatchObject({ status: 'COMPLETED', outputs: { opened: true } });
    });

    it('reports a failed execution with the error and the status the call would have had', async () => {
      const accepted = await post('/testing/refuse', { connectionInstanceId: 'MAIN' }, { Prefer: 'respond-async' });
      await tether.client.workflow.getHandle(accepted.body.executionId).result().catch(() => undefined);
      const view = await call('GET', accepted.body.links.self);
      expect(view.body).toMatchObject({ status: 'FAILED', httpStatus: 422, error: { code: 'BUSINESS_ERROR', details: { limit: 5 } } });
    });

    it('answers 404 for an unknown execution and for runs that are not SPI executions', async () => {
      const unknown = await call('GET', `/rcf/executions/${encodeURIComponent('action/myconnector/echo_types/never')}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('No SPI execution action/myconnector/echo_types/never');
      expect((await call('GET', `/rcf/executions/${encodeURIComponent('daemon/server1')}`)).status).toBe(404);
    });
  });

  describe('checkHealth', () => {
    const check = (connectionInstanceId: string) => post('/testing/com.bmc.dsm.catalog:checkHealth', { connectionInstanceId, request: {} });

    it('answers CONNECTION_SUCCESS with the connector messages, as a health-check workflow', async () => {
      const response = await check('MAIN');
      expect(response).toMatchObject({
        status: 200,
        body: { connectionInstanceId: 'MAIN', response: { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: 'test target v2.5' }] } },
      });
      const executionId = response.headers.get('x-tether-execution-id')!;
      expect(executionId).toMatch(/^health\/testing\/MAIN\//);
      const description = await tether.client.workflow.getHandle(executionId).describe();
      const attributes = description.typedSearchAttributes.getAll().filter(({ key }) => key.name.startsWith('Tether'));
      expect(attributes.map(({ key, value }) => `${key.name}=${value}`).sort()).toEqual([
        'TetherConnectionInstance=MAIN',
        'TetherConnector=testing',
        'TetherKind=health-check',
      ]);
    });

    it('answers 200 CONNECTION_FAILURE when the target fails or the instance is unknown', async () => {
      expect((await check('BROKEN')).body).toEqual({
        connectionInstanceId: 'BROKEN',
        response: { status: 'CONNECTION_FAILURE', message: 'connection refused by target', messages: [{ severity: 'ERROR', message: 'connection refused by target' }] },
      });
      const unknown = await check('QA');
      expect(unknown.status).toBe(200);
      expect(unknown.body.response).toMatchObject({ status: 'CONNECTION_FAILURE', message: 'Connector testing has no connection instance QA (known: MAIN, BROKEN)' });
    });

    it('answers 400 without a connection instance id and 404 for an unknown connector', async () => {
      expect((await post('/testing/com.bmc.dsm.catalog:checkHealth', {})).status).toBe(400);
      expect((await post('/nope/com.bmc.dsm.catalog:checkHealth', { connectionInstanceId: 'DEV' })).status).toBe(404);
    });
  });
});
