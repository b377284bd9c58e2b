import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { resolveTemporalBinary, temporalVersion } from '../temporal/provision';
import { runConnectorMode } from '../platform/connector-mode';
import { bootstrap, onShutdown, startProcess } from './process';

/** `npm start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), a worker and the API in one process. */
export async function runDev(): Promise<void> {
  const startedAt = Date.now();
  const boot = bootstrap();
  const { settings, log, credentials, codec } = boot;
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let devServer: DevServer | undefined;
  let temporalAddress = settings.TEMPORAL_ADDRESS;
  let temporalUiUrl = settings.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const binary = await resolveTemporalBinary({ explicitPath: settings.TEMPORAL_CLI_PATH, log: say });
    const dataDir = resolve(settings.TETHER_DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    say(`Starting ${await temporalVersion(binary)} (data in ${join(dataDir, 'temporal.sqlite')})…`);
    devServer = await startDevServer({
      binary,
      port: settings.TEMPORAL_DEV_PORT,
      uiPort: settings.TEMPORAL_UI_PORT,
      dbFilename: join(dataDir, 'temporal.sqlite'),
      namespace: settings.TEMPORAL_NAMESPACE,
      // The UI decrypts payloads through our codec endpoint (log in once at /codec/login).
      uiCodecEndpoint: `${settings.TETHER_PUBLIC_URL ?? `http://127.0.0.1:${settings.PORT}`}/codec`,
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
    throw err;
  });

  const stop = async () => {
    platformLink?.stop();
    await tether.stop();
    await devServer?.stop();
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
  if (temporalUiUrl) say(`  Temporal UI  ${temporalUiUrl}   (to read payloads there, open ${tether.url}/codec/login once)`);
  say(`  Temporal     ${temporalAddress} (namespace ${settings.TEMPORAL_NAMESPACE}, task queue ${settings.TETHER_TASK_QUEUE})`);
  if (credentials.generatedFile) {
    const c = credentials.credentials;
    say('');
    say(`Generated credentials (kept in ${credentials.generatedFile}; shown this once):`);
    say(`  admin token      ${c.adminToken}`);
    say(`  SPI basic auth   ${c.spiUser}:${c.spiPassword}`);
    say(`  SPI token        ${c.spiToken}`);
  }
  if (codec.generatedFile) say(`Created the payload encryption key ${codec.generatedFile} (keep it: runs cannot be read without it).`);
  say('Press Ctrl-C to stop.');
}
