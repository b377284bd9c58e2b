/**
 * Egeria's rendering of the daemon's published state (one state per connector, written by its run): the property
 * names and enum values of Egeria 5's IntegrationConnectorReport, IntegrationGroupSummary and IntegrationDaemonStatus
 * (odpi/egeria, integration-daemon-services-api …/properties/). Tether's richer facts travel as extra properties,
 * which Egeria's classes ignore (@JsonIgnoreProperties(ignoreUnknown=true)). Dates are epoch milliseconds, as Egeria's
 * Jackson writes java.util.Date.
 */
import type { IntegrationGroupConfig } from '../contracts/daemon';
import type { ConnectorStatusValue } from '../contracts/daemon';
import type { PublishedGroupState, RejectedConnector } from '../contracts/daemon-workflows';
import type { ConnectorSnapshot, DaemonSnapshot } from './daemon-client';
import { withoutNulls, type EgeriaRelease } from './egeria-response';

/** Egeria's IntegrationConnectorStatus values: the only ones an Egeria-shaped answer may carry. */
export const egeriaConnectorStatuses = ['INITIALIZED', 'WAITING', 'REFRESHING', 'RUNNING', 'STOPPED', 'INITIALIZE_FAILED', 'CONFIG_FAILED', 'SHUTDOWN', 'FAILED'] as const;
export type EgeriaConnectorStatus = (typeof egeriaConnectorStatuses)[number];

/** Egeria's IntegrationGroupStatus values. */
export type EgeriaGroupStatus = 'ASSIGNED' | 'CONFIGURING' | 'RUNNING' | 'FAILED' | 'DISABLED';

/**
 * A connector waiting for its automatic restart has failed, in Egeria's terms (Egeria has no automatic restart).
 * Egeria 4.x has no WAITING or REFRESHING: its connectors are RUNNING from start to stop.
 */
export function egeriaConnectorStatus(status: ConnectorStatusValue, release: EgeriaRelease = '5'): EgeriaConnectorStatus {
  if (status === 'RESTARTING') return 'FAILED';
  if (release === '4' && (status === 'WAITING' || status === 'REFRESHING')) return 'RUNNING';
  return status;
}

/**
 * A run whose state should have changed by now (plus this margin) but has not: its worker is gone or stuck. Its last
 * known state is still shown, marked `stale`.
 */
export const staleAfterMs = 15_000;

const epochMs = (iso: string | null) => (iso === null ? undefined : Date.parse(iso));

export function connectorReport(connector: ConnectorSnapshot, readAt: number, release: EgeriaRelease = '5') {
  const stale = connector.expectedChangeBy !== null && readAt > connector.expectedChangeBy + staleAfterMs;
  return withoutNulls({
    // Egeria's IntegrationConnectorReport properties.
    connectorId: connector.workflowId,
    connectorName: connector.connectorName,
    connectorStatus: egeriaConnectorStatus(connector.connectorStatus, release),
    lastStatusChange: epochMs(connector.lastStatusChange),
    lastRefreshTime: epochMs(connector.lastRefreshTime),
    // A Java long: whole minutes; the exact interval is refreshIntervalSeconds below.
    minMinutesBetweenRefresh: Math.floor(connector.refreshIntervalSeconds / 60),
    failingExceptionMessage: connector.failingExceptionMessage,
    // Tether's additions.
    connectorType: connector.connectorType,
    tetherStatus: connector.connectorStatus,
    refreshIntervalSeconds: connector.refreshIntervalSeconds,
    refreshCount: connector.refreshCount,
    lastRefreshSummary: connector.lastRefreshSummary,
    restartCount: connector.restartCount,
    lastRestartTime: epochMs(connector.lastRestartAt),
    nextRestartTime: epochMs(connector.nextRestartAt),
    stale: stale || undefined,
    lastPublished: connector.publishedAt,
  });
}

/** A connector whose definition the reconciler refused: never started, CONFIG_FAILED with the reason. */
function rejectedReport(rejected: RejectedConnector, group: PublishedGroupState) {
  return withoutNulls({
    connectorName: rejected.connectorName,
    connectorStatus: 'CONFIG_FAILED' as const,
    lastStatusChange: epochMs(group.lastReconciledAt),
    minMinutesBetweenRefresh: 0,
    failingExceptionMessage: rejected.reason,
    tetherStatus: 'CONFIG_FAILED' as const,
  });
}

function groupStatus(published: PublishedGroupState | undefined): EgeriaGroupStatus {
  if (!published) return 'ASSIGNED';
  if (published.lastDefinitionError !== null) return 'FAILED';
  return published.lastReconciledAt === null ? 'CONFIGURING' : 'RUNNING';
}

export function groupSummary(config: IntegrationGroupConfig, snapshot: DaemonSnapshot, release: EgeriaRelease = '5') {
  const qualifiedName = config.integrationGroupQualifiedName;
  const published = snapshot.reconcilers.get(qualifiedName);
  const reports = [
    ...snapshot.connectors.filter((connector) => connector.groupQualifiedName === qualifiedName).map((connector) => connectorReport(connector, snapshot.readAt, release)),
    ...(published ? published.rejected.map((rejected) => rejectedReport(rejected, published)) : []),
  ].sort((a, b) => (a.connectorName < b.connectorName ? -1 : a.connectorName > b.connectorName ? 1 : 0));
  return withoutNulls({
    integrationGroupName: qualifiedName,
    integrationGroupStatus: groupStatus(published),
    integrationConnectorReports: reports.length ? reports : undefined,
    // Tether's additions.
    omagserverPlatformRootURL: config.omagserverPlatformRootURL,
    omagserverName: config.omagserverName,
    lastDefinitionError: published?.lastDefinitionError,
    lastReconciledAt: epochMs(published?.lastReconciledAt ?? null),
  });
}

/** IntegrationDaemonStatus: integrationGroupSummaries, left out when there are none (its getter answers null for an empty list). */
export function daemonStatus(snapshot: DaemonSnapshot, release: EgeriaRelease = '5') {
  const summaries = snapshot.groups.map((group) => groupSummary(group, snapshot, release));
  // Tether's additions: when the published state was read (connectors: brought up to date by that read), and the daemon's last failure.
  return withoutNulls({ integrationGroupSummaries: summaries.length ? summaries : undefined, statusReadAt: snapshot.readAt, lastSyncError: snapshot.lastSyncError });
}
