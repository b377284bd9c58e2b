import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';

export interface ReplayOutcome {
  workflowId: string;
  ok: boolean;
  error?: string;
}

export interface HistorySource {
  workflowId: string;
  history: unknown;
}

/** Reads recorded histories: one JSON file, or every `*.json` in a folder (each as `temporal workflow show -o json` writes it). */
export function readHistoryFiles(path: string): HistorySource[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.map((file) => ({ workflowId: basename(file, '.json'), history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))) }));
}

/** Fetches the histories of the executions a visibility query matches. */
export async function* fetchHistories(client: Client, query: string, limit = 100): AsyncIterable<HistorySource> {
  let count = 0;
  for await (const info of client.workflow.list({ query })) {
    if (count++ >= limit) return;
    yield { workflowId: info.workflowId, history: await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory() };
  }
}

/**
 * Replays histories against the given workflow code: a workflow change that would break running executions
 * (non-determinism) shows here as a failed replay before it reaches production.
 */
export async function replayHistories(
  options: Pick<ReplayWorkerOptions, 'workflowsPath' | 'workflowBundle' | 'dataConverter'>,
  histories: Iterable<HistorySource> | AsyncIterable<HistorySource>,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  async function* asReplayInput() {
    for await (const { workflowId, history } of histories) yield { workflowId, history };
  }
  for await (const result of Worker.runReplayHistories({ ...options, replayName: 'tether-replay' }, asReplayInput() as never)) {
    outcomes.push({ workflowId: result.workflowId, ok: !result.error, ...(result.error ? { error: `${result.error.name}: ${result.error.message}` } : {}) });
  }
  return outcomes;
}
