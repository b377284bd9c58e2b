import { join } from 'node:path';
import { readHistoryFiles, replayHistories } from '../../src/operations/replay';
import { createDataConverter, parseKeyRing } from '../../src/temporal/codec';
import { testCodecKey } from '../support/tether';

// Recorded histories are encrypted like production ones, with the test key.
const dataConverter = createDataConverter(parseKeyRing(testCodecKey));

const recorded = join(__dirname, '..', 'histories');

describe('replaying recorded histories (determinism)', () => {
  it('replays every recorded history against the current workflow code', async () => {
    const sources = readHistoryFiles(recorded);
    expect(sources.map((source) => source.workflowId)).toEqual(expect.arrayContaining(['execute-action-completed', 'check-connection-health', 'integration-daemon', 'group-reconciler', 'integration-connector', 'metadata-store', 'platform-connection']));
    const outcomes = await replayHistories({ workflowBundle: { codePath: process.env.TETHER_TEST_WORKFLOW_BUNDLE! }, dataConverter }, sources);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
    expect(outcomes).toHaveLength(sources.length);
  });

  it('fails on a deliberately non-deterministic change', async () => {
    const sources = readHistoryFiles(join(recorded, 'execute-action-completed.json'));
    const outcomes = await replayHistories({ workflowsPath: require.resolve('../fixtures/nondeterministic-workflows'), dataConverter }, sources);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.ok).toBe(false);
    expect(outcomes[0]!.error).toMatch(/DeterminismViolationError|Nondeterminism/i);
  });
});
