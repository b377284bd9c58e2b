import { parseSettings } from '../../src/config/settings';
import { freePort } from '../../src/temporal/dev-server';
import { connectToTemporal } from '../../src/runtime/temporal-connection';

describe('connectToTemporal', () => {
  it('names the address and the setting when nothing listens there', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    await expect(connectToTemporal(parseSettings({}), address)).rejects.toThrow(
      `Cannot reach Temporal at ${address} (TEMPORAL_ADDRESS, namespace default): connection refused`,
    );
  });
});
