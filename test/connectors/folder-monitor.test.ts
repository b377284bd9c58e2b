import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describeChanges, folderMonitorConnector, globToRegExp } from '../../src/connectors/folder-monitor';

const refresh = (configuration: object, previousState: unknown) => {
  const integration = folderMonitorConnector.integration!;
  return integration.refresh({
    configuration: integration.configuration.parse(configuration),
    connectorName: 'folder',
    previousState,
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
  });
};

describe('folder-monitor connector', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'tether-folder-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('catalogues the files matching the pattern and reports what was added and removed', async () => {
    writeFileSync(join(folder, 'a.csv'), '');
    writeFileSync(join(folder, 'notes.txt'), '');
    mkdirSync(join(folder, 'sub.csv'));
    const first = await refresh({ path: folder, pattern: '*.csv' }, null);
    expect(first).toEqual({ summary: '1 file; first catalogue', state: { files: ['a.csv'] } });

    writeFileSync(join(folder, 'b.csv'), '');
    rmSync(join(folder, 'a.csv'));
    const second = await refresh({ path: folder, pattern: '*.csv' }, first.state);
    expect(second).toEqual({ summary: '1 file; added: b.csv; removed: a.csv', state: { files: ['b.csv'] } });
    expect((await refresh({ path: folder, pattern: '*.csv' }, second.state)).summary).toBe('1 file; no change');
  });

  it('fails the refresh when the folder does not exist', async () => {
    await expect(refresh({ path: join(folder, 'missing') }, null)).rejects.toThrow(`Cannot catalogue folder ${join(folder, 'missing')}: ENOENT`);
  });

  it('names the field of a bad configuration', () => {
    const result = folderMonitorConnector.integration!.configuration.safeParse({ path: '' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['path'], message: 'path is required' });
  });

  it('matches globs on whole names and shortens long change lists', () => {
    expect(globToRegExp('data-?.csv').test('data-1.csv')).toBe(true);
    expect(globToRegExp('*.csv').test('a.csv.bak')).toBe(false);
    const many = ['1', '2', '3', '4', '5', '6', '7'];
    expect(describeChanges([], many).summary).toBe('7 files; added: 1, 2, 3, 4, 5, …');
  });
});
