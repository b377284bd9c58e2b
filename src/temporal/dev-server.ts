import type { ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { tetherSearchAttributeKeys } from '../contracts/search-attributes';
import { cliType } from './namespace-setup';
import { spawnGuarded } from '../runtime/guarded-process';

export interface DevServerOptions {
  binary: string;
  /** gRPC port; 0 picks a free one. */
  port: number;
  /** Web UI port; 0 picks a free one; null runs headless. */
  uiPort: number | null;
  /** SQLite file that keeps runs across restarts; omitted = in memory. */
  dbFilename?: string;
  namespace: string;
  /** Codec server the Web UI calls to show decrypted payloads. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  /** The server's own pid (the guard's child). */
  pid: number;
  stop(): Promise<void>;
}

/** Finds a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `temporal server start-dev` under the guard (stopped with us, no orphan), in its own process group (Ctrl-C reaches us, we stop it). */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port || (await freePort());
  const uiPort = options.uiPort === null ? null : options.uiPort || (await freePort());
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    options.namespace,
    '--log-level',
    'error',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
  ];
  for (const key of tetherSearchAttributeKeys) args.push('--search-attribute', `${key.name}=${cliType[key.type]}`);
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.uiCodecEndpoint && uiPort !== null) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);

  const server = await spawnGuarded(options.binary, args, { stderr: 'pipe' });
  let stderr = '';
  server.guard.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (server.done) {
      throw new Error(`Temporal dev server exited with code ${await server.exited}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error('Temporal dev server did not listen within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort === null ? undefined : `http://127.0.0.1:${uiPort}`,
    process: server.guard,
    pid: server.pid,
    async stop() {
      await server.stop();
    },
  };
}
