import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { asApiError } from '../../src/errors';
import { isTemporalUnavailable } from '../../src/temporal/unavailable';
import { suiteTemporalAddress } from '../support/tether';

describe('Temporal unavailable', () => {
  it('treats a call dropped by the connection closing (a process shutting down) as unavailable: 503 with Retry-After, not 500', async () => {
    const connection = await NativeConnection.connect({ address: suiteTemporalAddress() });
    // A long poll on a queue nobody writes to stays in flight until the connection closes under it.
    const poll = connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: `nobody-${randomUUID()}` } });
    const dropped = poll.then(
      () => undefined,
      (err: unknown) => err,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await connection.close();
    const err = await dropped;
    expect(err).toBeInstanceOf(Error);
    expect(isTemporalUnavailable(err)).toBe(true);
    expect(asApiError(err)).toMatchObject({ status: 503, code: 'TEMPORAL_UNAVAILABLE' });
  });
});
