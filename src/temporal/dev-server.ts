import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { tetherSearchAttributeKeys } from '../contracts/search-attributes';

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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A guard shell between us and the server: it kills the server when its stdin closes, which happens
 * when we stop it and also when our process dies in any way (even SIGKILL), so no orphan keeps the port.
 */
const guardScript = `trap '' INT
"$@" &
child=$!
while read -r _; do :; done
kill -TERM "$child" 2>/dev/null
wait "$child"`;

/** Starts `temporal server start-dev` under the guard, in its own process group (Ctrl-C reaches us, we stop it). */
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
  for (const key of tetherSearchAttributeKeys) args.push('--search-attribute', `${key.name}=Keyword`);
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.uiCodecEndpoint && uiPort !== null) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);

  const child = spawn('/bin/sh', ['-c', guardScript, 'temporal-guard', options.binary, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) {
      throw new Error(`Temporal dev server exited with code ${child.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    if (Date.now() > deadline) {
      child.stdin!.end();
      throw new Error('Temporal dev server did not listen within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: uiPort === null ? undefined : `http://127.0.0.1:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
