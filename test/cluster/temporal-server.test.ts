import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { choosePorts, writeServerConfig } from '../../src/cluster/temporal-server';

describe('temporal-server config of tether cluster', () => {
  it('keeps membership ports below 32768: the SQL schema stores them in a smallint', async () => {
    const ports = await choosePorts(0);
    const membership = Object.values(ports.membership);
    for (const port of membership) expect(port).toBeLessThan(32_768);
    const all = [ports.frontend, ports.frontendHttp, ports.history, ports.matching, ports.worker, ...membership];
    expect(new Set(all).size).toBe(all.length);
  });

  it('points both stores at PostgreSQL and turns on eager activities, with the frontend where asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-server-config-'));
    const ports = await choosePorts(17_233);
    writeServerConfig(dir, { host: '127.0.0.1', port: 5433, user: 'postgres', password: 'secret', pid: 0, stop: async () => undefined }, ports);
    const config = parse(readFileSync(join(dir, 'config', 'development.yaml'), 'utf8'));
    expect(config.services.frontend.rpc.grpcPort).toBe(17_233);
    expect(config.persistence.datastores['postgres-default'].sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal', connectAddr: '127.0.0.1:5433' });
    expect(config.persistence.datastores['postgres-visibility'].sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal_visibility' });
    const dynamic = parse(readFileSync(config.dynamicConfigClient.filepath, 'utf8'));
    expect(dynamic['system.enableActivityEagerExecution']).toEqual([{ value: true }]);
  });
});
