import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import { tetherSearchAttributeKeys } from '../contracts/search-attributes';
import { GrpcCode, isGrpcCode } from './unavailable';

/** Raised at start when the namespace or its search attributes are missing; the message names the command to run. */
export class NamespaceSetupError extends Error {
  override readonly name = 'NamespaceSetupError';
}

type Services = Pick<Connection | NativeConnection, 'workflowService' | 'operatorService'>;

const { IndexedValueType } = temporal.api.enums.v1;
const indexedType: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};
/** How the `temporal` CLI spells each type in `--type` (and `start-dev --search-attribute Name=Type`). */
export const cliType: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface NamespaceTarget {
  namespace: string;
  /** The address operators pass to the `temporal` CLI, for the command in the error message. */
  address: string;
}

/** Tether's search attributes (src/contracts/search-attributes.ts) the namespace does not have yet. */
export async function missingSearchAttributes(services: Services, namespace: string) {
  const { customAttributes } = await services.operatorService.listSearchAttributes({ namespace });
  return tetherSearchAttributeKeys.filter((key) => !(customAttributes && key.name in customAttributes));
}

export async function namespaceExists(services: Services, namespace: string): Promise<boolean> {
  try {
    await services.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if (isGrpcCode(err, GrpcCode.NOT_FOUND)) return false;
    throw err;
  }
}

/** Creates a namespace (what `tether cluster` does on a fresh database); runs are kept `retentionDays` after they close. */
export async function registerNamespace(services: Services, namespace: string, retentionDays: number): Promise<void> {
  await services.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000) });
}

export const createNamespaceCommand = ({ namespace, address }: NamespaceTarget) =>
  `temporal operator namespace create --address ${address} --namespace ${namespace}`;

export const createSearchAttributesCommand = ({ namespace, address }: NamespaceTarget, keys: readonly { name: string; type: SearchAttributeType }[]) =>
  `temporal operator search-attribute create --address ${address} --namespace ${namespace} ${keys.map((key) => `--name ${key.name} --type ${cliType[key.type]}`).join(' ')}`;

export async function registerSearchAttributes(services: Services, namespace: string, keys: readonly { name: string; type: SearchAttributeType }[]): Promise<void> {
  if (keys.length === 0) return;
  await services.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, indexedType[key.type]])),
  });
}

/**
 * What would make every call fail, said in one line with the command that fixes it; undefined when the
 * namespace exists and has every Tether search attribute. Readiness and the start-up check share it.
 */
export async function namespaceProblem(services: Services, target: NamespaceTarget): Promise<string | undefined> {
  if (!(await namespaceExists(services, target.namespace))) {
    return `Namespace ${target.namespace} does not exist on ${target.address}: run \`${createNamespaceCommand(target)}\``;
  }
  const missing = await missingSearchAttributes(services, target.namespace);
  if (missing.length === 0) return undefined;
  return (
    `Namespace ${target.namespace} lacks the search attributes ${missing.map((key) => key.name).join(', ')}: ` +
    `run \`${createSearchAttributesCommand(target, missing)}\` or start with TETHER_REGISTER_SEARCH_ATTRIBUTES=true`
  );
}

/**
 * The start-up check: registers missing search attributes when allowed (TETHER_REGISTER_SEARCH_ATTRIBUTES),
 * otherwise refuses with the one line of `namespaceProblem`. Never creates the namespace: that is the operator's call.
 */
export async function ensureNamespaceReady(services: Services, target: NamespaceTarget, register: boolean): Promise<void> {
  if (register && (await namespaceExists(services, target.namespace))) {
    await registerSearchAttributes(services, target.namespace, await missingSearchAttributes(services, target.namespace));
  }
  const problem = await namespaceProblem(services, target);
  if (problem) throw new NamespaceSetupError(problem);
}
