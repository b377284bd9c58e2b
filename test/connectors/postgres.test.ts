import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConnectorRegistry } from '../../src/config/connectors';
import { postgresConnector } from '../../src/connectors/postgres';
import { freePort } from '../../src/temporal/dev-server';
import { historyText } from '../spi/history-text';
import { spiAuth, startTestTether, type TestTether } from '../support/tether';
import { startTestPostgres, type TestPostgres } from './postgres-server';

describe('postgres connector against a real PostgreSQL', () => {
  let postgres: TestPostgres;
  let tether: TestTether;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const closedPort = await freePort();
    const config = join(mkdtempSync(join(tmpdir(), 'tether-pg-config-')), 'tether.config.yaml');
    writeFileSync(
      config,
      `connectors:
  - use: postgres
    connectionInstances:
      - { id: URL, name: By URL, settings: { connectionString: "\${PG_URL}" } }
      - id: PARTS
        name: By parts
        settings: { host: 127.0.0.1, port: ${postgres.port}, user: postgres, password: "\${PG_PASSWORD}", database: ${postgres.database}, statementTimeoutMs: 500 }
      - { id: WRONG_PASSWORD, name: Wrong password, settings: { host: 127.0.0.1, port: ${postgres.port}, user: postgres, password: nope, database: ${postgres.database} } }
      - { id: DOWN, name: Nothing listening, settings: { host: 127.0.0.1, port: ${closedPort}, user: postgres, database: x } }
`,
    );
    tether = await startTestTether({
      env: { TETHER_CONFIG: config },
      registry: (settings) => loadConnectorRegistry(settings, { env: { PG_URL: postgres.connectionString, PG_PASSWORD: postgres.password } }),
    });
  });
  afterAll(async () => {
    await tether?.stop();
    await postgresConnector.dispose?.();
    await postgres?.stop();
  });

  const query = async (connectionInstanceId: string, inputs: Record<string, unknown>) => {
    const response = await fetch(`${tether.url}/postgres/query`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId, inputs }),
    });
    return { status: response.status, body: (await response.json()) as any, executionId: response.headers.get('x-tether-execution-id')! };
  };
  const checkHealth = async (connectionInstanceId: string) => {
    const response = await fetch(`${tether.url}/postgres/com.bmc.dsm.catalog:checkHealth`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as any).response;
  };

  it('runs parameterised SQL and answers rows and rowCount', async () => {
    expect((await query('URL', { sql: 'CREATE TABLE orders (id serial PRIMARY KEY, recipient text NOT NULL UNIQUE, quantity int)' })).status).toBe(200);
    const insert = await query('PARTS', { sql: 'INSERT INTO orders (recipient, quantity) VALUES ($1, $2), ($3, $4) RETURNING id, recipient', params: ['Bob', 1, 'Alice', 2] });
    expect(insert).toMatchObject({ status: 200, body: { outputs: { rowCount: 2, rows: [{ id: 1, recipient: 'Bob' }, { id: 2, recipient: 'Alice' }] } } });
    const select = await query('URL', { sql: 'SELECT recipient, quantity FROM orders WHERE quantity >= $1 ORDER BY id', params: [2] });
    expect(select.body.outputs).toEqual({ rows: [{ recipient: 'Alice', quantity: 2 }], rowCount: 1 });
  });

  it('keeps the password and connection string out of the run history', async () => {
    const response = await query('URL', { sql: 'SELECT 1 AS one' });
    const history = await historyText(tether.client, response.executionId);
    expect(history).toContain('SELECT 1 AS one');
    expect(history).not.toContain(postgres.password);
  });

  it('answers 422 with the SQLSTATE for SQL errors', async () => {
    const syntax = await query('URL', { sql: 'SELEC nonsense' });
    expect(syntax.status).toBe(422);
    expect(syntax.body.error).toMatchObject({ code: 'BUSINESS_ERROR', details: { sqlState: '42601' }, executionId: syntax.executionId });
    const duplicate = await query('URL', { sql: 'INSERT INTO orders (recipient) VALUES ($1)', params: ['Bob'] });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.error.details).toMatchObject({ sqlState: '23505', detail: 'Key (recipient)=(Bob) already exists.' });
    expect((await query('URL', { sql: 'SELECT 1', params: { not: 'an array' } })).status).toBe(422);
    expect((await query('URL', { params: [] })).status).toBe(400);
  });

  it('answers 504 when a statement outlives statementTimeoutMs', async () => {
    const slow = await query('PARTS', { sql: 'SELECT pg_sleep(2)' });
    expect(slow.status).toBe(504);
    expect(slow.body.error.code).toBe('TARGET_TIMEOUT');
  });

  it('answers 502 when the server cannot be reached or refuses the credentials', async () => {
    const down = await query('DOWN', { sql: 'SELECT 1' });
    expect(down.status).toBe(502);
    expect(down.body.error).toMatchObject({ code: 'TARGET_UNAVAILABLE', message: 'PostgreSQL unreachable: ECONNREFUSED' });
    const refused = await query('WRONG_PASSWORD', { sql: 'SELECT 1' });
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('CONNECTOR_MISCONFIGURED');
    expect(refused.body.error.message).not.toContain('nope');
  });

  it('reports the server version in its health check, and failures as CONNECTION_FAILURE', async () => {
    expect(await checkHealth('URL')).toEqual({ status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: 'PostgreSQL 18.4' }] });
    expect(await checkHealth('DOWN')).toMatchObject({ status: 'CONNECTION_FAILURE', message: 'PostgreSQL unreachable: ECONNREFUSED' });
  });
});
