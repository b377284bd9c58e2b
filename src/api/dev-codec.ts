import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import { errorHandler } from './errors';
import { buildRouter, canonicalPaths, methodNotAllowed, type Authentication } from './route';
import { codecConversionRoutes } from './routes/codec';

/** Who may call the dev codec: a browser on this machine that addressed loopback by name or number. */
type DevCodecPolicy = 'loopback-browser';

export interface DevCodecOptions {
  codec: PayloadCodec;
  /** The embedded Temporal UI's origins (CORS). */
  allowedOrigins: string[];
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  bodyLimitBytes: number;
  log: Logger;
}

export interface DevCodec {
  /** The codec endpoint to give the Temporal UI (`--ui-codec-endpoint`): `http://127.0.0.1:<port>/codec`. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The Host header a loopback request carries. A page elsewhere that rebinds its own name to 127.0.0.1 still
 * sends its name, so checking Host keeps DNS rebinding out; CORS keeps every other origin's script out.
 */
function loopbackAuthentication(port: () => number): Authentication<DevCodecPolicy, 'loopback'> {
  return {
    policies: { 'loopback-browser': ['loopback'] },
    identify: (ctx) => ([`127.0.0.1:${port()}`, `localhost:${port()}`].includes(ctx.get('host')) ? 'loopback' : 'invalid'),
    missing: 'The dev codec answers loopback requests only',
  };
}

/**
 * Dev only (`tether dev` with the embedded Temporal server, never in production): the codec-server protocol on
 * a listener bound to 127.0.0.1, without a login. The embedded UI is itself bound to loopback and its
 * cluster-level codec setting cannot send credentials, so this is what makes `npm start` show payloads
 * decrypted with no setup in any browser. Whoever can use it can already read the key file on this machine.
 */
export async function startDevCodec(options: DevCodecOptions): Promise<DevCodec> {
  let port = options.port;
  const app = new Koa();
  app.use(errorHandler(options.log));
  app.use(canonicalPaths());
  app.use(methodNotAllowed());
  // Decode only: a sealed payload proves its writer held the key (workers refuse unsealed ones), so sealing stays
  // with key holders and admins; the UI needs encode only to type payloads into signals or starts.
  const routes = codecConversionRoutes(options.codec, options.allowedOrigins, 'loopback-browser' as const, ['decode']);
  app.use(buildRouter(routes, loopbackAuthentication(() => port), { bodyLimitBytes: options.bodyLimitBytes }).routes());
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, '127.0.0.1', () => resolve(listening)).once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/codec`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
