import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/*
 * TETHER_BEHAVIOURS_NETWORK=none inside a Behaviour Server (no dependencies: the server bundle takes this file).
 * Node's permission model (Node 20–22) does not restrict the network, and where the kernel cannot put the server
 * in its own network namespace this is all that stands between a behaviour and the Temporal frontend. Every
 * JavaScript way to a socket ends in one of the functions replaced here; native addons, `process.binding`,
 * the inspector and WASI are refused by the permission model itself. Each replacement is non-writable and
 * non-configurable, so a behaviour cannot put the original back (it never had a reference to it).
 */

export const NETWORK_DENIED_MESSAGE =
  'network access is disabled for behaviours (TETHER_BEHAVIOURS_NETWORK=none); call a connection instance instead (context.connections.call)';

export class NetworkDeniedError extends Error {
  override readonly name = 'NetworkDeniedError';
  readonly code = 'ERR_NETWORK_DENIED';
  constructor(what: string) {
    super(`${what}: ${NETWORK_DENIED_MESSAGE}`);
  }
}

/** A function that throws instead of reaching the network (synchronously: callers see it where they called). */
function denied(what: string): (...args: unknown[]) => never {
  return () => {
    throw new NetworkDeniedError(what);
  };
}

function deny(target: object, names: string[], label: string): void {
  for (const name of names) {
    // Absent, or replaced already (the dns Resolvers share a base class).
    if (!(name in target) || Object.getOwnPropertyDescriptor(target, name)?.configurable === false) continue;
    Object.defineProperty(target, name, { value: denied(`${label}.${name}`), writable: false, configurable: false, enumerable: true });
  }
}

/** Every method of a class's prototype chain up to Object (dns Resolvers: each query is a packet). */
function denyMethods(prototype: object | null, label: string): void {
  for (let level = prototype; level && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    const names = Object.getOwnPropertyNames(level).filter((name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(level, name)?.value === 'function');
    deny(level, names, label);
  }
}

const dnsQueries = (module: object) => Object.keys(module).filter((name) => name === 'lookup' || name === 'lookupService' || name.startsWith('resolve') || name === 'reverse');

/** Replaces the network entry points of this process; later calls of a replaced function throw NetworkDeniedError. */
export function denyNetwork(): void {
  deny(net, ['connect', 'createConnection', '_createServerHandle'], 'net');
  deny(net.Socket.prototype, ['connect'], 'net.Socket');
  deny(net.Server.prototype, ['listen', '_listen2'], 'net.Server');
  deny(tls, ['connect'], 'tls');
  deny(dgram, ['_createSocketHandle'], 'dgram');
  deny(dgram.Socket.prototype, ['bind', 'connect', 'send'], 'dgram.Socket');
  deny(http, ['request', 'get'], 'http');
  deny(https, ['request', 'get'], 'https');
  deny(http.Agent.prototype, ['createConnection'], 'http.Agent');
  deny(https.Agent.prototype, ['createConnection'], 'https.Agent');
  deny(http2, ['connect'], 'http2');
  deny(dns, dnsQueries(dns), 'dns');
  deny(dns.promises, dnsQueries(dns.promises), 'dns.promises');
  denyMethods(dns.Resolver.prototype, 'dns.Resolver');
  denyMethods(dns.promises.Resolver.prototype, 'dns.promises.Resolver');
  deny(globalThis, ['fetch', 'WebSocket', 'EventSource'], 'globalThis');
}
