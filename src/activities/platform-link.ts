import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings';
import type { ConnectorRegistry } from '../connectors/registry';
import { platformLinkUpSignal, type PlatformLinkInput, type PlatformLinkOutcome } from '../contracts/platform-connection';
import type { SpiHandler } from '../platform/frames';
import { openPlatformLink, type BehaviourLinkHandlers, type LinkEnd } from '../platform/link';
import { setPlatformLink } from '../metrics';
import { handleSpiRequest } from '../spi';
import { spiDepsFor } from '../spi/request';

export interface PlatformActivityDeps {
  /** The connector secret is read here, on the worker, so it never enters workflow history. */
  settings: Pick<Settings, 'TETHER_CONNECTOR_SECRET'>;
  log: Logger;
  /** Serves each SPI call the platform relays: the same SPI service the REST routes use. */
  handleSpiRequest: SpiHandler;
  /** Behaviour announcements and calls that arrive over the link (connector mode with a Behaviours Manager). */
  behaviours?: BehaviourLinkHandlers;
  /** Client used to signal the connection workflow; defaults to the worker's. */
  client?: Client;
  /** Sent in the hello frame, shown in the hub's connection list. */
  agent?: string;
}

function outcomeOf(end: LinkEnd, wasConnected: boolean): PlatformLinkOutcome {
  switch (end.kind) {
    case 'refused':
      return { kind: 'refused', reason: end.reason };
    case 'superseded':
      return { kind: 'superseded', reason: end.reason };
    default:
      return { kind: 'disconnected', wasConnected, reason: end.reason };
  }
}

/** The activity that holds the platform socket while the connection is up (DESIGN §6). */
export function createPlatformActivities(deps: PlatformActivityDeps) {
  return {
    /**
     * Dials the platform, tells the workflow once welcomed, serves relayed SPI calls and heartbeats until
     * the link ends; answers how it ended. If this worker dies, the heartbeat times out and Temporal runs
     * the activity on another worker, which reconnects.
     */
    async holdPlatformLink(input: PlatformLinkInput): Promise<PlatformLinkOutcome> {
      const context = Context.current();
      const secret = deps.settings.TETHER_CONNECTOR_SECRET;
      if (!secret) throw ApplicationFailure.nonRetryable('TETHER_CONNECTOR_SECRET is not set on this worker', 'ConnectorConfigError');
      const log = deps.log.child({ connectorId: input.connectorId, platformUrl: input.platformUrl });
      const beatEveryMs = (input.heartbeatTimeoutSeconds * 1000) / 3;
      context.heartbeat();

      const opening = await openPlatformLink({
        url: input.platformUrl,
        connectorId: input.connectorId,
        secret,
        handler: deps.handleSpiRequest,
        behaviours: deps.behaviours,
        log,
        agent: deps.agent ?? 'tether',
        pingIntervalMs: beatEveryMs,
        connectTimeoutMs: beatEveryMs,
      });
      if (!opening.ok) return outcomeOf(opening.end, false);
      const { link } = opening;

      const beating = setInterval(() => context.heartbeat({ connectionId: link.connectionId }), beatEveryMs);
      try {
        const run = context.info.workflowExecution;
        if (!run) throw ApplicationFailure.nonRetryable('holdPlatformLink runs only inside the platform connection workflow', 'ConnectorConfigError');
        await (deps.client ?? context.client).workflow.getHandle(run.workflowId, run.runId).signal(platformLinkUpSignal, { connectionId: link.connectionId });
        setPlatformLink(true);
        const end = await Promise.race([link.ended, context.cancelled]);
        log.info({ connectionId: link.connectionId, end }, 'platform link ended');
        return outcomeOf(end, true);
      } catch (err) {
        link.close(context.cancellationSignal.aborted ? 'connection workflow cancelled' : 'platform link activity failed');
        throw err;
      } finally {
        clearInterval(beating);
        setPlatformLink(false);
      }
    },
  };
}

/** The SPI service bound to the worker's dependencies, for calls that arrive over the platform link. */
export function spiHandlerFor(deps: { client: Client; registry: ConnectorRegistry; log: Logger; settings: Settings }): SpiHandler {
  const spi = spiDepsFor(deps);
  return (request) => handleSpiRequest(spi, request);
}
