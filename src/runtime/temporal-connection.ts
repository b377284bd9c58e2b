import { readFileSync } from 'node:fs';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Settings } from '../config/settings';

/** Connection options for an external cluster (self-hosted or Cloud): TLS/mTLS and API key from settings. */
export function temporalConnectionOptions(settings: Settings, address: string): NativeConnectionOptions {
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  const mtls = settings.TEMPORAL_TLS_CERT_PATH && settings.TEMPORAL_TLS_KEY_PATH
    ? { crt: read(settings.TEMPORAL_TLS_CERT_PATH)!, key: read(settings.TEMPORAL_TLS_KEY_PATH)! }
    : undefined;
  const useTls = settings.TEMPORAL_TLS || mtls !== undefined || settings.TEMPORAL_API_KEY !== undefined;
  return {
    address,
    ...(settings.TEMPORAL_API_KEY ? { apiKey: settings.TEMPORAL_API_KEY } : {}),
    ...(useTls
      ? {
          tls: {
            ...(settings.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: settings.TEMPORAL_TLS_SERVER_NAME } : {}),
            ...(settings.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: read(settings.TEMPORAL_TLS_CA_PATH) } : {}),
            ...(mtls ? { clientCertPair: mtls } : {}),
          },
        }
      : {}),
  };
}

/**
 * One native connection per process, shared by the worker and the client: a client built on the worker's
 * own connection is what lets Temporal hand a workflow task straight back (eager workflow start).
 */
export async function connectToTemporal(settings: Settings, address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(temporalConnectionOptions(settings, address));
  } catch (err) {
    const reason = /Connection refused/i.test(String(err)) ? 'connection refused' : (err as Error).message;
    throw new Error(`Cannot reach Temporal at ${address} (TEMPORAL_ADDRESS, namespace ${settings.TEMPORAL_NAMESPACE}): ${reason}`);
  }
}
