import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startDevCodec, type DevCodec } from '../api/dev-codec';
import { codecAllowedOrigins } from '../api/routes/codec';
import { AesGcmPayloadCodec } from '../temporal/codec';
import { freePort, startDevServer, type DevServer } from '../temporal/dev-server';
import { resolveTemporalBinary, temporalVersion } from '../temporal/provision';
import { runConnectorMode } from '../platform/connector-mode';
import { bootstrap, onShutdown, startProcess } from './process';
import { printGeneratedSecrets } from './generated-secrets';

/** `npm start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), a worker and the API in one process. */
export async function runDev(): Promise<void> {
  const startedAt = Date.now();
  const boot = bootstrap();
  const { settings, log, credentials, codec } = boot;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let devServer: DevServer | undefined;
  let devCodec: DevCodec | undefined;
  let temporalAddress = settings.TEMPORAL_ADDRESS;
  let temporalUiUrl = settings.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const binary = await resolveTemporalBinary({ explicitPath: settings.TEMPORAL_CLI_PATH, log: say });
    const dataDir = resolve(settings.TETHER_DATA_DIR);
    // For this user only: temporal.sqlite lists every run (ids, search attributes), next to the credentials and key.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    say(`Starting ${await temporalVersion(binary)} (data in ${join(dataDir, 'temporal.sqlite')})…`);
    const uiPort = settings.TEMPORAL_UI_PORT || (await freePort());
    // The embedded UI (on loopback) decrypts payloads through the loopback dev codec: no login step. Production
    // never starts it; there the UI calls the API's /codec with the session cookie of GET /codec/login.
    if (settings.NODE_ENV !== 'production') {
      devCodec = await startDevCodec({
        codec: new AesGcmPayloadCodec(codec.keyRing),
        allowedOrigins: codecAllowedOrigins(settings, `http://127.0.0.1:${uiPort}`),
        port: 0,
        bodyLimitBytes: settings.TETHER_BODY_LIMIT_BYTES,
        log,
      });
    }
    devServer = await startDevServer({
      binary,
      port: settings.TEMPORAL_DEV_PORT,
      uiPort,
      dbFilename: join(dataDir, 'temporal.sqlite'),
      namespace: settings.TEMPORAL_NAMESPACE,
      uiCodecEndpoint: devCodec?.endpoint ?? `${settings.TETHER_PUBLIC_URL ?? `http://127.0.0.1:${settings.PORT}`}/codec`,
    }).catch(async (err) => {
      await devCodec?.close();
      throw err;
    });
    temporalAddress = devServer.address;
    temporalUiUrl ??= devServer.uiUrl;
  }

  const tether = await startProcess(boot, {
    temporalAddress,
    temporalUiUrl,
    api: true,
    worker: true,
  }).catch(async (err) => {
    await devServer?.stop();
    await devCodec?.close();
    throw err;
  });

  const stop = async () => {
    platformLink?.stop();
    await tether.stop();
    await devServer?.stop();
    await devCodec?.close();
  };
  const platformLink = await runConnectorMode({ client: tether.client, settings, log, dev: true, beforeExit: stop });
  onShutdown(log, stop);
  tether.workerDone.catch(async (err) => {
    log.fatal({ err }, 'worker failed');
    await devServer?.stop();
    process.exit(1);
  });

  say('');
  say(`Tether is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  say(`  API          ${tether.url}   (descriptor: ${tether.url}/rcf/descriptor)`);
  if (temporalUiUrl) {
    const reading = devCodec ? 'payloads decrypted through the loopback codec, no login' : `to read payloads there, open ${tether.url}/codec/login once`;
    say(`  Temporal UI  ${temporalUiUrl}/namespaces/${encodeURIComponent(settings.TEMPORAL_NAMESPACE)}/workflows   (${reading})`);
  }
  say(`  Temporal     ${temporalAddress} (namespace ${settings.TEMPORAL_NAMESPACE}, task queue ${settings.TETHER_TASK_QUEUE})`);
  printGeneratedSecrets(say, credentials, codec);
  say('Press Ctrl-C to stop.');
}
