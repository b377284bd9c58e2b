import { ApplicationFailure } from '@temporalio/activity';
import type { Credentials } from '../config/credentials';
import type { IntegrationGroupConfig } from '../contracts/daemon';
import type { RejectedConnector } from '../contracts/daemon-workflows';
import { IntegrationConnectorDefinition, type IntegrationGroupDefinition } from '../contracts/metadata';
import { displayUrl, fetchWithinOrigin, refusedRedirectMessage } from '../connectors/outbound-http';

export interface DaemonMetadataDeps {
  /** This Tether's own admin token is presented to the metadata server (a remote one must accept it). */
  credentials: Credentials;
}

/** A found definition keeps its valid connectors; each invalid one is rejected on its own (CONFIG_FAILED), not the whole group. */
export type FetchedDefinition = { found: true; definition: IntegrationGroupDefinition; rejected: RejectedConnector[] } | { found: false; reason: string };

/** How a rejected connector is named in status: its name when it is a short string, else its position. */
function displayName(given: unknown, index: number): string {
  const name = (given as { connectorName?: unknown } | null)?.connectorName;
  if (typeof name !== 'string' || name.trim() === '') return `connectors[${index}]`;
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

/**
 * Splits a definition's connectors into valid ones and rejected ones (each with the field and reason): one bad
 * connector (a 1,100-character name, an unknown property type) must not stop the group's other connectors.
 */
export function splitDefinition(connectors: unknown[]): { definition: IntegrationGroupDefinition; rejected: RejectedConnector[] } {
  const valid: IntegrationConnectorDefinition[] = [];
  const rejected: RejectedConnector[] = [];
  connectors.forEach((given, index) => {
    const parsed = IntegrationConnectorDefinition.safeParse(given);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      rejected.push({ connectorName: displayName(given, index), reason: `connectors.${index}.${issue.path.join('.')}: ${issue.message}` });
    } else if (valid.some((connector) => connector.connectorName === parsed.data.connectorName)) {
      rejected.push({ connectorName: parsed.data.connectorName, reason: `connectors.${index}.connectorName: connectorName ${parsed.data.connectorName} is used twice in this group` });
    } else {
      valid.push(parsed.data);
    }
  });
  return { definition: { connectors: valid }, rejected };
}

/** Where a group's definition lives on its metadata server (DESIGN §5 metadata paths). */
export function groupDefinitionUrl(group: IntegrationGroupConfig): string {
  const root = group.omagserverPlatformRootURL.replace(/\/+$/, '');
  return `${root}/metadata/servers/${encodeURIComponent(group.omagserverName)}/integration-groups/${encodeURIComponent(group.integrationGroupQualifiedName)}`;
}

/** Reads group definitions over HTTP, from this Tether or another one. */
export function createDaemonMetadataActivities({ credentials }: DaemonMetadataDeps) {
  return {
    /** 404 means "no such group" (the reconciler runs nothing); anything else unexpected fails the read. */
    async fetchGroupDefinition(group: IntegrationGroupConfig): Promise<FetchedDefinition> {
      const url = displayUrl(groupDefinitionUrl(group));
      let answer;
      try {
        // The admin token goes to the configured metadata server's origin and nowhere else: no cross-origin redirects.
        answer = await fetchWithinOrigin(groupDefinitionUrl(group), {
          headers: { accept: 'application/json', authorization: `Bearer ${credentials.adminToken}` },
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        throw new Error(`Metadata server ${url} did not answer: ${(err as Error).message}`);
      }
      const { response } = answer;
      if (answer.refusedRedirect) {
        await response.body?.cancel();
        throw ApplicationFailure.nonRetryable(`Metadata server ${refusedRedirectMessage('GET', answer.url, response, answer.refusedRedirect)}`, 'MetadataRedirectRefused');
      }
      if (response.status === 404) return { found: false, reason: `Group ${group.integrationGroupQualifiedName} is not defined on ${group.omagserverName}` };
      if (!response.ok) {
        const failure = `Metadata server ${url} answered ${response.status}`;
        // Refused credentials will not get better by asking again.
        if (response.status === 401 || response.status === 403) throw ApplicationFailure.nonRetryable(`${failure}: it must accept this Tether's admin token`, 'MetadataAccessRefused');
        throw new Error(failure);
      }
      const body = (await response.json()) as { definition?: { connectors?: unknown } } | null;
      const connectors = body?.definition?.connectors;
      if (!Array.isArray(connectors)) {
        throw ApplicationFailure.nonRetryable(`Definition at ${url} is invalid: connectors: expected an array of connector definitions`, 'InvalidGroupDefinition');
      }
      return { found: true, ...splitDefinition(connectors) };
    },
  };
}
