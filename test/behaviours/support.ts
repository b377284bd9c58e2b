import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminAuth } from '../support/tether';
import { startConnectorTether, phaseOf, type ConnectorTether } from '../platform/connector-support';
import { hubAdmin, registerConnector, startTestHub } from '../platform/support';

export const secret = 'behaviours-secret-0123456789';

export interface BehaviourStack {
  hub: Awaited<ReturnType<typeof startTestHub>>;
  connector: ConnectorTether;
  connectorId: string;
  behavioursDir: string;
  stop(): Promise<void>;
}

/** A real hub and a real connector-mode Tether (worker, Behaviours Manager, API) connected to it. */
export async function startBehaviourStack(options: { privileges?: string[]; env?: Record<string, string>; config?: string } = {}): Promise<BehaviourStack> {
  const hub = await startTestHub();
  const connectorId = `behaviours-${Math.random().toString(36).slice(2, 8)}`;
  await registerConnector(hub, connectorId, secret, options.privileges ?? ['behaviours:acme/prod']);
  const behavioursDir = mkdtempSync(join(tmpdir(), 'tether-behaviours-'));
  const env: Record<string, string> = { TETHER_BEHAVIOURS_DIR: behavioursDir, ...options.env };
  if (options.config) {
    const file = join(behavioursDir, '..', `${connectorId}.config.yaml`);
    writeFileSync(file, options.config);
    env.TETHER_CONFIG = file;
  }
  const connector = await startConnectorTether(hub.connectUrl, connectorId, secret, env);
  await phaseOf(connector, 'CONNECTED', 20_000);
  const stack: BehaviourStack = {
    hub,
    connector,
    connectorId,
    behavioursDir,
    // The connector a test put in place last (a test may restart it).
    async stop() {
      await stack.connector.stopAll();
      await hub.close();
    },
  };
  return stack;
}

export async function deploy(stack: BehaviourStack, files: Record<string, string>, scope = 'acme/prod', entry?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.hub.url}/admin/behaviours/${scope}`, {
    method: 'PUT',
    headers: { ...hubAdmin, 'content-type': 'application/json' },
    body: JSON.stringify({ files, ...(entry ? { entry } : {}) }),
  });
  return { status: response.status, body: await response.json() };
}

export async function callBehaviour(stack: BehaviourStack, name: string, input: unknown, options: { scope?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${stack.hub.url}/connectors/${stack.connectorId}/behaviours/${options.scope ?? 'acme/prod'}/${name}`, {
    method: 'POST',
    headers: { ...hubAdmin, 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ input }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

export async function connectorStatus(stack: BehaviourStack): Promise<any> {
  const response = await fetch(`${stack.connector.url}/admin/behaviours`, { headers: adminAuth });
  return response.json();
}
