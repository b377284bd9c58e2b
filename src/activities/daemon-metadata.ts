import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Credentials } from '../config/credentials';
import type { IntegrationGroupConfig } from '../contracts/daemon';
import { definitionDigest, DefinitionChanged, type GroupDefinitionDigests, type ReadGroupDefinitionRequest, type RejectedConnector } from '../contracts/daemon-workflows';
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

/** A definition's body as the metadata server sent it (with its ETag, if it gave one), or why there is none. */
type DefinitionText = { found: true; text: string; etag: string | null } | { found: false; reason: string };

/**
 * GETs a group's definition; 404 means "no such group", anything else unexpected fails the read. With `ifNoneMatch`,
 * 304 answers `not-modified` (a metadata server without ETags answers 200 as always).
 */
async function fetchDefinitionText(group: IntegrationGroupConfig, credentials: Credentials): Promise<DefinitionText>;
async function fetchDefinitionText(group: IntegrationGroupConfig, credentials: Credentials, ifNoneMatch: string | undefined): Promise<DefinitionText | 'not-modified'>;
async function fetchDefinitionText(group: IntegrationGroupConfig, credentials: Credentials, ifNoneMatch?: string): Promise<DefinitionText | 'not-modified'> {
  const url = displayUrl(groupDefinitionUrl(group));
  let answer;
  try {
    // The admin token goes to the configured metadata server's origin and nowhere else: no cross-origin redirects.
    answer = await fetchWithinOrigin(groupDefinitionUrl(group), {
      headers: { accept: 'application/json', authorization: `Bearer ${credentials.adminToken}`, ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) },
      signal: AbortSignal.timeout(fetchTimeoutMs),
    });
  } catch (err) {
    throw new Error(`Metadata server ${url} did not answer: ${(err as Error).message}`);
  }
  const { response } = answer;
  if (answer.refusedRedirect) {
    await response.body?.cancel();
    throw ApplicationFailure.nonRetryable(`Metadata server ${refusedRedirectMessage('GET', answer.url, response, answer.refusedRedirect)}`, 'MetadataRedirectRefused');
  }
  if (response.status === 304 && ifNoneMatch) return 'not-modified';
  if (response.status === 404) return { found: false, reason: `Group ${group.integrationGroupQualifiedName} is not defined on ${group.omagserverName}` };
  if (!response.ok) {
    const failure = `Metadata server ${url} answered ${response.status}`;
    // Refused credentials will not get better by asking again.
    if (response.status === 401 || response.status === 403) throw ApplicationFailure.nonRetryable(`${failure}: it must accept this Tether's admin token`, 'MetadataAccessRefused');
    throw new Error(failure);
  }
  return { found: true, text: await response.text(), etag: response.headers.get('etag') };
}

/** Parses a definition body into valid and rejected connectors. */
function parseDefinition(group: IntegrationGroupConfig, text: string): { definition: IntegrationGroupDefinition; rejected: RejectedConnector[] } {
  let body: { definition?: { connectors?: unknown } } | null;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = null;
  }
  const connectors = body?.definition?.connectors;
  if (!Array.isArray(connectors)) {
    throw ApplicationFailure.nonRetryable(`Definition at ${displayUrl(groupDefinitionUrl(group))} is invalid: connectors: expected an array of connector definitions`, 'InvalidGroupDefinition');
  }
  return splitDefinition(connectors);
}

/** How long a metadata server may take to answer: well below the activity's timeout, so a retry fits. */
const fetchTimeoutMs = 10_000;
/** Definitions kept per worker (by digest): the current one of a few groups; a miss reads it again. */
const cachedDefinitions = 16;
/** ETags kept per worker (by group URL): a miss costs one full read. */
const cachedEtags = 1024;

/**
 * The group definitions this worker read, by digest of their body, so the activities applying a pass read
 * each connector's definition here instead of from the workflow's history. A worker that did not read it
 * (several workers, or a restart) reads it again and checks it is still the same one.
 */
export class GroupDefinitions {
  private readonly byDigest = new Map<string, Map<string, IntegrationConnectorDefinition>>();
  /** Per group URL, the ETag the metadata server gave with the definition of this digest. */
  private readonly etags = new Map<string, { etag: string; digest: string }>();

  constructor(private readonly credentials: Credentials) {}

  /**
   * Reads the definition; the same one as `knownDigest` answers `unchanged` without parsing it, and without even
   * receiving it when the metadata server confirms the ETag it gave with it (304).
   */
  async read({ group, knownDigest }: ReadGroupDefinitionRequest): Promise<GroupDefinitionDigests> {
    const url = groupDefinitionUrl(group);
    const known = this.etags.get(url);
    const ifNoneMatch = known && known.digest === knownDigest && this.byDigest.has(knownDigest) ? known.etag : undefined;
    const fetched = await fetchDefinitionText(group, this.credentials, ifNoneMatch);
    if (fetched === 'not-modified') return { outcome: 'unchanged' };
    this.etags.delete(url);
    if (!fetched.found) return { outcome: 'not-found', reason: fetched.reason };
    const digest = createHash('sha256').update(fetched.text).digest('base64url');
    if (fetched.etag) this.rememberEtag(url, fetched.etag, digest);
    if (digest === knownDigest && this.byDigest.has(digest)) return { outcome: 'unchanged' };
    const { definition, rejected } = parseDefinition(group, fetched.text);
    this.remember(digest, definition);
    return { outcome: 'found', digest, connectors: definition.connectors.map((connector) => [connector.connectorName, definitionDigest(connector)]), rejected };
  }

  /** The connectors' definitions of the definition with this digest; fails with DefinitionChanged when it is no longer the one served. */
  async connectors(group: IntegrationGroupConfig, digest: string): Promise<Map<string, IntegrationConnectorDefinition>> {
    const known = this.byDigest.get(digest);
    if (known) return known;
    const fetched = await fetchDefinitionText(group, this.credentials);
    const current = fetched.found ? createHash('sha256').update(fetched.text).digest('base64url') : null;
    if (!fetched.found || current !== digest) {
      throw ApplicationFailure.nonRetryable(`The definition of group ${group.integrationGroupQualifiedName} changed while it was applied`, DefinitionChanged);
    }
    return this.remember(digest, parseDefinition(group, fetched.text).definition);
  }

  private rememberEtag(url: string, etag: string, digest: string): void {
    this.etags.set(url, { etag, digest });
    if (this.etags.size > cachedEtags) this.etags.delete(this.etags.keys().next().value!);
  }

  private remember(digest: string, definition: IntegrationGroupDefinition): Map<string, IntegrationConnectorDefinition> {
    const connectors = new Map(definition.connectors.map((connector) => [connector.connectorName, connector]));
    this.byDigest.delete(digest);
    this.byDigest.set(digest, connectors);
    if (this.byDigest.size > cachedDefinitions) this.byDigest.delete(this.byDigest.keys().next().value!);
    return connectors;
  }
}

/** Reads group definitions over HTTP, from this Tether or another one. */
export function createDaemonMetadataActivities({ credentials, definitions }: DaemonMetadataDeps & { definitions: GroupDefinitions }) {
  return {
    /** The whole definition, for reconciler runs from before chunkedPassesPatch (a local activity). */
    async fetchGroupDefinition(group: IntegrationGroupConfig): Promise<FetchedDefinition> {
      const fetched = await fetchDefinitionText(group, credentials);
      if (!fetched.found) return fetched;
      return { found: true, ...parseDefinition(group, fetched.text) };
    },

    /** Reads the definition and answers with digests only (a regular activity: its result is in the reconciler's history). */
    async readGroupDefinition(request: ReadGroupDefinitionRequest): Promise<GroupDefinitionDigests> {
      return definitions.read(request);
    },
  };
}
