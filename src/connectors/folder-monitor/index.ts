import { readdir } from 'node:fs/promises';
import { defineConnector, z } from '../../sdk';
import { compileGlob, MAX_GLOB_LENGTH } from './glob';

/** Integration connectors have no connection-instance settings. */
const NoSettings = z.object({});
type NoSettings = z.infer<typeof NoSettings>;

export const FolderMonitorConfiguration = z.object({
  path: z.string().trim().min(1, 'path is required'),
  /** A file-name glob (`*` and `?`), e.g. `*.csv`; all files when omitted. */
  pattern: z.string().min(1).max(MAX_GLOB_LENGTH, `pattern must be at most ${MAX_GLOB_LENGTH} characters`).optional(),
});
export type FolderMonitorConfiguration = z.infer<typeof FolderMonitorConfiguration>;

/**
 * Most of a folder's names one catalogue keeps, in characters: the catalogue is the connector's state, recorded in
 * its workflow history, where a payload past Temporal's blob limit (2 MiB by default) would fail every refresh.
 * Whoever can drop files into a watched folder must not be able to stall its connector.
 */
export const MAX_CATALOGUE_CHARACTERS = 500_000;

/** The sorted names that fit the catalogue (each counted with its JSON quotes and comma). */
function catalogueOf(sorted: string[]): string[] {
  let used = 0;
  const kept: string[] = [];
  for (const name of sorted) {
    used += name.length + 3;
    if (used > MAX_CATALOGUE_CHARACTERS) break;
    kept.push(name);
  }
  return kept;
}

/** What a refresh remembers: the file names it saw (sorted). */
export const FolderState = z.object({ files: z.array(z.string()) });
export type FolderState = z.infer<typeof FolderState>;

const list = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', '));

/** Describes what changed between two catalogues of a folder, in one line. */
export function describeChanges(previous: string[] | undefined, current: string[]): { summary: string; added: string[]; removed: string[] } {
  const before = new Set(previous ?? []);
  const now = new Set(current);
  const added = current.filter((name) => !before.has(name));
  const removed = (previous ?? []).filter((name) => !now.has(name));
  const parts = [`${current.length} file${current.length === 1 ? '' : 's'}`];
  if (!previous) parts.push('first catalogue');
  else if (!added.length && !removed.length) parts.push('no change');
  if (previous && added.length) parts.push(`added: ${list(added)}`);
  if (removed.length) parts.push(`removed: ${list(removed)}`);
  return { summary: parts.join('; '), added, removed };
}

/** Integration connector that catalogues a folder each refresh and reports the files added and removed. */
export const folderMonitorConnector = defineConnector<NoSettings, FolderMonitorConfiguration>({
  name: 'folder-monitor',
  version: '1.0',
  type: 'tether.folder-monitor',
  path: 'folder-monitor',
  capabilities: [],
  settings: NoSettings,
  actions: [],
  async checkHealth() {
    return { status: 'CONNECTION_SUCCESS', message: null, messages: [{ severity: 'INFO', message: 'folder-monitor runs in integration groups' }] };
  },
  integration: {
    configuration: FolderMonitorConfiguration,
    async refresh({ configuration, previousState }) {
      const matches = configuration.pattern ? compileGlob(configuration.pattern) : undefined;
      const entries = await readdir(configuration.path, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`Cannot catalogue folder ${configuration.path}: ${err.code ?? err.message}`);
      });
      const files = entries
        .filter((entry) => entry.isFile() && (!matches || matches(entry.name)))
        .map((entry) => entry.name)
        .sort();
      const catalogue = catalogueOf(files);
      const previous = FolderState.safeParse(previousState);
      const { summary } = describeChanges(previous.success ? previous.data.files : undefined, catalogue);
      const cut = files.length > catalogue.length ? `; the folder holds ${files.length} files: only the first ${catalogue.length} by name are catalogued` : '';
      return { summary: `${summary}${cut}`, state: { files: catalogue } satisfies FolderState };
    },
  },
});
