import { Pool, type DatabaseError, type PoolConfig } from 'pg';
import { BusinessError, ConnectorConfigError, defineConnector, TargetTimeoutError, TargetUnavailableError, z, type ConnectionInstance } from '../../sdk';

/** Settings of one `postgres` connection instance: a connection string, or its parts. */
export const PostgresSettings = z
  .object({
    connectionString: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(5432),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    database: z.string().min(1).optional(),
    ssl: z.boolean().default(false),
    /** Server-side limit of one statement; past it the attempt fails as a target timeout. */
    statementTimeoutMs: z.number().int().positive().default(30_000),
    poolSize: z.number().int().positive().default(5),
  })
  .refine((settings) => settings.connectionString !== undefined || settings.host !== undefined, {
    message: 'give connectionString, or host (with port, user, password, database)',
    path: ['connectionString'],
  });
export type PostgresSettings = z.infer<typeof PostgresSettings>;

// One pool per configured connection instance; instances live as long as the registry (the process).
const pools = new Map<ConnectionInstance<PostgresSettings>, Pool>();

function poolFor(instance: ConnectionInstance<PostgresSettings>): Pool {
  let pool = pools.get(instance);
  if (!pool) {
    const { connectionString, host, port, user, password, database, ssl, statementTimeoutMs, poolSize } = instance.settings;
    const config: PoolConfig = connectionString
      ? { connectionString }
      : { host, port, user, password, database };
    pool = new Pool({
      ...config,
      ...(ssl ? { ssl: true } : {}),
      max: poolSize,
      statement_timeout: statementTimeoutMs,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    // An idle client losing its server must not crash the worker; the next query reconnects.
    pool.on('error', () => undefined);
    pools.set(instance, pool);
  }
  return pool;
}

/** SQLSTATE classes meaning the server cannot serve now (retry may help). */
const unavailableStates = /^(08|53|57P0[1-3])/;

/** Classifies a pg or socket error once (DESIGN §3): connection trouble retried, SQL errors are business failures. */
export function classifyPostgresError(err: unknown): Error {
  const error = err as Partial<DatabaseError> & { code?: string; message?: string };
  const code = typeof error.code === 'string' ? error.code : undefined;
  // Errors the server reported carry a severity and a SQLSTATE; socket errors carry errno codes (ECONNREFUSED).
  const fromServer = typeof error.severity === 'string' && code !== undefined;
  const message = error.message ?? String(err);
  if (fromServer && code === '57014') return new TargetTimeoutError(`statement cancelled: ${message}`);
  if (fromServer && /^28/.test(code)) return new ConnectorConfigError(`PostgreSQL refused the connection instance's credentials: ${message}`);
  if (fromServer && !unavailableStates.test(code)) {
    return new BusinessError(message, { sqlState: code, ...(error.detail ? { detail: error.detail } : {}), ...(error.position ? { position: error.position } : {}) });
  }
  if (/timeout/i.test(message)) return new TargetTimeoutError(`PostgreSQL did not answer: ${message}`);
  return new TargetUnavailableError(`PostgreSQL unreachable: ${code ?? message}`);
}

/** Built-in `postgres` connector (DESIGN §3): parameterised SQL against a configured database. */
export const postgresConnector = defineConnector<PostgresSettings>({
  name: 'PostgreSQL',
  version: '1.0',
  type: 'tether.postgres',
  path: 'postgres',
  capabilities: ['com.bmc.dsm.catalog:actions'],
  settings: PostgresSettings,
  secretSettings: ['connectionString', 'password'],
  actions: [
    {
      name: 'query',
      displayName: 'SQL Query',
      path: 'query',
      inputs: [
        { name: 'sql', type: 'String', required: true },
        { name: 'params', type: 'Object' },
      ],
      outputs: [
        { name: 'rows', type: 'Object' },
        { name: 'rowCount', type: 'Object' },
      ],
      execution: { maximumAttempts: 3, initialRetrySeconds: 0.5 },
      async handler({ instance, inputs }) {
        const params = inputs.params ?? [];
        if (!Array.isArray(params)) throw new BusinessError('params must be an array of values for $1, $2, …');
        try {
          const result = await poolFor(instance).query({ text: String(inputs.sql), values: params });
          return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
        } catch (err) {
          throw classifyPostgresError(err);
        }
      },
    },
  ],
  async checkHealth({ instance }) {
    try {
      const { rows } = await poolFor(instance).query<{ server_version: string }>('SHOW server_version');
      const version = rows[0]?.server_version ?? 'unknown';
      return { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: `PostgreSQL ${version}` }] };
    } catch (err) {
      const message = classifyPostgresError(err).message;
      return { status: 'CONNECTION_FAILURE', message, messages: [{ severity: 'ERROR', message }] };
    }
  },
  async dispose() {
    const open = [...pools.values()];
    pools.clear();
    await Promise.all(open.map((pool) => pool.end().catch(() => undefined)));
  },
});
