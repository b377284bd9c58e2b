import { ApplicationFailure } from '@temporalio/activity';
import type { Credentials } from '../config/credentials';
import type { IntegrationGroupConfig } from '../contracts/daemon';
import { IntegrationGroupDefinition } from '../contracts/metadata';
import { displayUrl, fetchWithinOrigin, refusedRedirectMessage } from '../connectors/outbound-http';

export interface DaemonMetadataDeps {
  /** This Tether's own admin token is presented to the metadata server (a remote one must accept it). */
  credentials: Credentials;
}

export type FetchedDefinition = { found: true; definition: IntegrationGroupDefinition } | { found: false; reason: string };

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
      const body = (await response.json()) as { definition?: unknown };
      const parsed = IntegrationGroupDefinition.safeParse(body.definition);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw ApplicationFailure.nonRetryable(`Definition at ${url} is invalid: ${issue.path.join('.')}: ${issue.message}`, 'InvalidGroupDefinition');
      }
      return { found: true, definition: parsed.data };
    },
  };
}
