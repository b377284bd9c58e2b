import type { Client } from '@temporalio/client';
import { DaemonClient, type DaemonSnapshot } from '../../src/daemon/daemon-client';

/** Pure unit test of when GET status reads afresh and when it answers from the latest snapshot (the reads are counted, not performed). */
class CountingDaemonClient extends DaemonClient {
  reads = 0;
  constructor(private readonly connectorCount: number) {
    super({} as Client, 'unused', 5);
  }
  override async readSnapshot(): Promise<DaemonSnapshot> {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const connectors = Array.from({ length: this.connectorCount }, () => ({}) as DaemonSnapshot['connectors'][number]);
    return { groups: [], lastSyncError: null, reconcilers: new Map(), connectors, readAt: Date.now() };
  }
}

describe('status snapshots', () => {
  it('reads a server of up to 1,000 connectors afresh on every request', async () => {
    const daemons = new CountingDaemonClient(1_000);
    await daemons.snapshot('small');
    await daemons.snapshot('small');
    expect(daemons.reads).toBe(2);
  });

  it('answers a larger server from its latest snapshot at once, reading one newer snapshot at a time meanwhile', async () => {
    const daemons = new CountingDaemonClient(10_000);
    const first = await daemons.snapshot('large');
    expect(daemons.reads).toBe(1);
    const [second, third] = await Promise.all([daemons.snapshot('large'), daemons.snapshot('large')]);
    // Both answered with the snapshot already read; one background read started for both.
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(daemons.reads).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fourth = await daemons.snapshot('large');
    expect(fourth).not.toBe(first);
    expect(fourth.readAt).toBeGreaterThanOrEqual(first.readAt);
  });
});
