import { z } from 'zod';
import { BehaviourBundle, BehaviourCall, BehaviourVersion, CurrentBehaviour, ScopeCode } from '../contracts/behaviours';

/*
 * The WebSocket protocol between an outbound connector and the platform hub (DESIGN §6).
 * Shared by both sides, so no Node imports here. Every frame is one JSON text message.
 *
 *   connector → hub : hello (first frame), response (answer to a relayed SPI or behaviour call),
 *                     behaviour-fetch (download one behaviour version)
 *   hub → connector : welcome, request (a relayed SPI call), shutdown, behaviours (current versions),
 *                     behaviour-call (a behaviour call to run), behaviour-bundle (answer to a fetch)
 */

/** Close codes both sides act on; the connector treats `refused` as terminal and `superseded` as "stop, do not reconnect". */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  /** A malformed frame, or a frame out of protocol order. */
  malformedFrame: 1008,
  /** A frame larger than the agreed maximum (ws closes with this by itself). */
  frameTooLarge: 1009,
  /** Unknown connector id or wrong secret: terminal, retrying cannot help. */
  refused: 4001,
  /** Another connection authenticated with the same id. */
  superseded: 4002,
  /** The connector's registration was removed or its secret changed while connected. */
  revoked: 4003,
  /** No hello within the authentication window. */
  helloTimeout: 4008,
  /** Too many failed logins from this address or for this id: retry later (not terminal, unlike `refused`). */
  tooManyAttempts: 4029,
} as const;

/** The warning the connector logs when the hub replaced an earlier connection of its id (seed 000 §5.3). */
export const supersededNotice = 'Another connector or connection has been disconnected.';

/** Largest frame either side accepts, in bytes (SPI bodies are limited to 1 MiB; this leaves room for the envelope). */
export const defaultMaxFrameBytes = 2 * 1024 * 1024;

export const ConnectorId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');
export type ConnectorId = z.infer<typeof ConnectorId>;

const Headers = z.record(z.string(), z.string());

/** One SPI call, transport-independent: what the hub relays and what the connector's SPI service handles. */
export const SpiRequest = z.object({
  method: z.string().min(1).max(16),
  /** Path with its query string, starting with `/`, e.g. `/myconnector/order_product`. */
  path: z.string().startsWith('/').max(8192),
  headers: Headers,
  /** The parsed JSON body, or undefined when there is none. */
  body: z.unknown().optional(),
});
export type SpiRequest = z.infer<typeof SpiRequest>;

export const SpiResponse = z.object({
  status: z.number().int().min(100).max(599),
  headers: Headers.optional(),
  body: z.unknown().optional(),
});
export type SpiResponse = z.infer<typeof SpiResponse>;

/** Serves one SPI call; on the connector it is the SPI service, whatever transport brought the call. */
export type SpiHandler = (request: SpiRequest) => Promise<SpiResponse>;

export const HelloFrame = z.object({
  type: z.literal('hello'),
  connectorId: ConnectorId,
  secret: z.string().min(1).max(1024),
  /** Free text for the hub's connection list, e.g. `tether 0.1.0`. */
  agent: z.string().max(200).optional(),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

export const ResponseFrame = z.object({
  type: z.literal('response'),
  requestId: z.string().min(1).max(64),
  response: SpiResponse,
});
export type ResponseFrame = z.infer<typeof ResponseFrame>;

/** The connector asks for the files of a version the hub announced. */
export const BehaviourFetchFrame = z.object({
  type: z.literal('behaviour-fetch'),
  requestId: z.string().min(1).max(64),
  tenant: ScopeCode,
  environment: ScopeCode,
  version: BehaviourVersion,
});
export type BehaviourFetchFrame = z.infer<typeof BehaviourFetchFrame>;

export const ConnectorFrame = z.discriminatedUnion('type', [HelloFrame, ResponseFrame, BehaviourFetchFrame]);
export type ConnectorFrame = z.infer<typeof ConnectorFrame>;

export const WelcomeFrame = z.object({
  type: z.literal('welcome'),
  connectionId: z.string(),
  /** Set when this connection replaced an earlier one of the same id; the connector logs it as a warning. */
  notice: z.string().optional(),
});
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

export const RequestFrame = z.object({
  type: z.literal('request'),
  requestId: z.string().min(1).max(64),
  request: SpiRequest,
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ShutdownFrame = z.object({
  type: z.literal('shutdown'),
  reason: z.enum(['superseded', 'revoked']),
  message: z.string(),
});
export type ShutdownFrame = z.infer<typeof ShutdownFrame>;

/** Current behaviour versions of the tenants and environments this connector may run: all of them after welcome, then each change. */
export const BehavioursFrame = z.object({ type: z.literal('behaviours'), current: z.array(CurrentBehaviour).max(10_000) });
export type BehavioursFrame = z.infer<typeof BehavioursFrame>;

/** A behaviour call to run; answered with a `response` frame like a relayed SPI call. */
export const BehaviourCallFrame = z.object({ type: z.literal('behaviour-call'), requestId: z.string().min(1).max(64), call: BehaviourCall });
export type BehaviourCallFrame = z.infer<typeof BehaviourCallFrame>;

/** The answer to a `behaviour-fetch`: the version's files, or why not. */
export const BehaviourBundleFrame = z.object({
  type: z.literal('behaviour-bundle'),
  requestId: z.string().min(1).max(64),
  bundle: BehaviourBundle.optional(),
  error: z.string().optional(),
});
export type BehaviourBundleFrame = z.infer<typeof BehaviourBundleFrame>;

export const HubFrame = z.discriminatedUnion('type', [WelcomeFrame, RequestFrame, ShutdownFrame, BehavioursFrame, BehaviourCallFrame, BehaviourBundleFrame]);
export type HubFrame = z.infer<typeof HubFrame>;

/** The outcome of reading one message: the frame, or why it is not one (fit for a close reason). */
export type ParsedFrame<T> = { ok: true; frame: T } | { ok: false; error: string };

/** Parses one text message with a frame schema; never throws. */
export function parseFrame<T extends z.ZodType>(schema: T, text: string): ParsedFrame<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'malformed frame: not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, error: `malformed frame: ${issue.path.join('.') || '(frame)'} ${issue.message}` };
}

/** WebSocket close reasons are limited to 123 bytes. */
export function closeReason(text: string): string {
  let reason = text;
  while (new TextEncoder().encode(reason).length > 123) reason = reason.slice(0, -1);
  return reason;
}
