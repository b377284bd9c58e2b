import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { describeChanges, folderMonitorConnector, MAX_CATALOGUE_CHARACTERS } from '../../src/connectors/folder-monitor';
import { compileGlob } from '../../src/connectors/folder-monitor/glob';
import { SecretStore } from '../../src/connectors/secrets';

const refresh = (configuration: object, previousState: unknown) => {
  const integration = folderMonitorConnector.integration!;
  return integration.refresh({
    configuration: integration.configuration.parse(configuration),
    connectorName: 'folder',
    previousState,
    secrets: new SecretStore().resolverFor({ connectorType: 'tether.folder-monitor', group: 'g', connectorName: 'folder' }),
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

  it('keeps a catalogue that fits the history, however many files someone drops into the folder', async () => {
    // 2,100 names of 250 characters: 525,000 characters of names, past the catalogue's 500,000.
    for (let n = 0; n < 2_100; n++) writeFileSync(join(folder, `${String(n).padStart(4, '0')}${'x'.repeat(246)}`), '');
    const result = await refresh({ path: folder }, null);
    const files = (result.state as { files: string[] }).files;
    expect(files).toHaveLength(1_976);
    expect(files[0]).toMatch(/^0000x/);
    expect(JSON.stringify(result.state).length).toBeLessThanOrEqual(MAX_CATALOGUE_CHARACTERS + 20);
    expect(result.summary).toBe('1976 files; first catalogue; the folder holds 2100 files: only the first 1976 by name are catalogued');
  });

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
    expect(compileGlob('data-?.csv')('data-1.csv')).toBe(true);
    expect(compileGlob('*.csv')('a.csv.bak')).toBe(false);
    expect(compileGlob('[a].c+v')('[a].c+v')).toBe(true); // no character classes or regex syntax: literal
    expect(compileGlob('?.txt')('é.txt')).toBe(true); // `?` is one character, not one UTF-16 unit
    const many = ['1', '2', '3', '4', '5', '6', '7'];
    expect(describeChanges([], many).summary).toBe('7 files; added: 1, 2, 3, 4, 5, …');
  });

  it('agrees with a regular-expression reading of the glob on every short pattern and name', () => {
    // Short inputs keep the backtracking reference fast; every pattern over {a, b, *, ?} up to 5 characters.
    const reference = (glob: string) => new RegExp(`^${glob.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const words = (alphabet: string[], max: number) => {
      const all = [''];
      for (let length = 1, layer = ['']; length <= max; length++) all.push(...(layer = layer.flatMap((w) => alphabet.map((c) => w + c))));
      return all;
    };
    const names = words(['a', 'b'], 6);
    let compared = 0;
    for (const glob of words(['a', 'b', '*', '?'], 5)) {
      const [ours, theirs] = [compileGlob(glob), reference(glob)];
      for (const name of names) {
        if (ours(name) !== theirs.test(name)) throw new Error(`${glob} on ${JSON.stringify(name)}: ${ours(name)}, expected ${theirs.test(name)}`);
        compared++;
      }
    }
    expect(compared).toBe(1365 * 127);
  });

  it('matches adversarial patterns without freezing the process', () => {
    // Such patterns froze a backtracking matcher (5 s for the first, hours for the second). The VM
    // timeout turns a frozen match into a failed test instead of a hung suite; it is a liveness bound,
    // far above the microseconds a linear matcher needs.
    const cases = [
      { glob: '*a*a*a*a*a*a*b', name: 'a'.repeat(64) },
      { glob: '*a'.repeat(12) + '*b', name: 'a'.repeat(255) },
      { glob: '*?'.repeat(100) + 'b', name: 'a'.repeat(255) },
    ];
    for (const { glob, name } of cases) {
      const match = compileGlob(glob);
      expect(runInNewContext('match(name)', { match, name }, { timeout: 20_000 })).toBe(false);
      expect(runInNewContext('match(name + "b")', { match, name }, { timeout: 20_000 })).toBe(true);
    }
  });

  it('refuses patterns longer than 256 characters, naming the field', () => {
    const result = folderMonitorConnector.integration!.configuration.safeParse({ path: '/tmp', pattern: '*'.repeat(257) });
    expect(result.error!.issues[0]).toMatchObject({ path: ['pattern'], message: 'pattern must be at most 256 characters' });
  });
});
