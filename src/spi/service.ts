import { ApiError, NotFoundError, asApiError, errorBody, errorHeaders } from '../errors';
import { CHECK_HEALTH_PATH } from '../contracts/spi';
import { callAction } from './call-action';
import { checkHealth } from './check-health';
import { buildDescriptor } from './descriptor';
import { executionStatus } from './execution-status';
import type { SpiDeps, SpiRequest, SpiResponse } from './request';

function segmentsOf(path: string): string[] | undefined {
  try {
    return path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, 'MALFORMED_JSON', `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

const methodNotAllowed = (allowed: string) => {
  const err = new ApiError(405, 'METHOD_NOT_ALLOWED', `Use ${allowed} on this path`);
  return Object.assign(err, { allow: allowed });
};

async function route(deps: SpiDeps, request: SpiRequest): Promise<SpiResponse> {
  const method = request.method.toUpperCase();
  const segments = segmentsOf(request.path);
  if (!segments) throw new NotFoundError(`No SPI path ${request.path}`);
  const [first, second, ...rest] = segments;

  if (first === 'rcf') {
    const expectGet = () => {
      if (method !== 'GET') throw methodNotAllowed('GET');
    };
    if (second === 'health' && rest.length === 0) {
      expectGet();
      return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'OK' };
    }
    if (second === 'descriptor' && rest.length === 0) {
      expectGet();
      return { status: 200, body: buildDescriptor(deps.registry) };
    }
    if (second === 'executions' && rest.length > 0) {
      expectGet();
      return executionStatus(deps, rest.join('/'));
    }
    throw new NotFoundError(`No SPI path ${request.path}`);
  }

  if (first === undefined || second === undefined || rest.length > 0) throw new NotFoundError(`No SPI path ${request.path}`);
  const connector = deps.registry.find(first);
  if (!connector) {
    throw new ApiError(404, 'UNKNOWN_CONNECTOR', `No connector at path ${first}`, {
      knownConnectors: deps.registry.list().map((known) => known.definition.path),
    });
  }
  if (method !== 'POST') throw methodNotAllowed('POST');
  const body = { ...request, body: parseBody(request.body) };
  if (second === CHECK_HEALTH_PATH) return checkHealth(deps, body, connector);
  return callAction(deps, body, connector, second);
}

/**
 * The Remote Connector SPI (seed 002, DESIGN §4), independent of any transport: the Koa router and the
 * platform link both hand calls here. Authentication is the transport's job. Every failure becomes the
 * one JSON error body; an unexpected one is logged and answered 500 without its message.
 */
export async function handleSpiRequest(deps: SpiDeps, request: SpiRequest): Promise<SpiResponse> {
  try {
    return await route(deps, request);
  } catch (err) {
    const known = asApiError(err);
    if (known) {
      const allow = (known as { allow?: string }).allow;
      const headers = { ...errorHeaders(known), ...(allow ? { Allow: allow } : {}) };
      return { status: known.status, ...(Object.keys(headers).length ? { headers } : {}), body: errorBody(known) };
    }
    deps.log.error({ err, method: request.method, path: request.path }, 'SPI call failed');
    return { status: 500, body: errorBody(new ApiError(500, 'INTERNAL', 'Internal error; see the server log')) };
  }
}
