import { existsSync, rmSync } from 'node:fs';
import { buildProgram } from '../../src/cli/main';
import { version } from '../../package.json';
import { buildTetherPackage, runTether } from '../support/built-tether';

// The real bin/tether.js of a built package, run as a child process: what a user types.
let root: string;
beforeAll(async () => {
  root = await buildTetherPackage();
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Every command and sub-command, as typed: `replay`, `new connector`, …
type Commands = ReturnType<typeof buildProgram>['commands'];
const walk = (commands: Commands, prefix: string[] = []): string[][] =>
  commands.flatMap((command) => [[...prefix, command.name()], ...walk(command.commands, [...prefix, command.name()])]);
const commands = walk(buildProgram().commands);
const topLevel = buildProgram().commands.map((command) => command.name());

test('tether --help lists every command and the exit codes, exit 0', async () => {
  const result = await runTether(root, ['--help']);
  expect(result.code).toBe(0);
  for (const name of topLevel) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  expect(result.stdout).toContain('Exit codes: 0 done, 1 the command failed, 2 wrong command line.');
});

test.each(commands.map((words) => [words.join(' '), words]))('tether %s --help answers with its usage, exit 0', async (_, words) => {
  const result = await runTether(root, [...(words as string[]), '--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`Usage: tether ${(words as string[]).join(' ')}`);
  expect(result.stderr).toBe('');
});

test('tether --version prints the package version', async () => {
  const result = await runTether(root, ['--version']);
  expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});

test('an unknown command is refused with exit 2 and a suggestion', async () => {
  const result = await runTether(root, ['wroker']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("error: unknown command 'wroker'");
  expect(result.stderr).toContain('Did you mean worker?');
});

test('an unknown flag is refused with exit 2, for the program and for a command', async () => {
  const top = await runTether(root, ['--frobnicate']);
  expect(top.code).toBe(2);
  expect(top.stderr).toContain("error: unknown option '--frobnicate'");
  const replay = await runTether(root, ['replay', '--help-me']);
  expect(replay.code).toBe(2);
  expect(replay.stderr).toContain("error: unknown option '--help-me'");
});

test('a command missing its sub-command or argument is refused with exit 2', async () => {
  const noSub = await runTether(root, ['new']);
  expect(noSub.code).toBe(2);
  expect(noSub.stderr).toContain('Usage: tether new');
  const noName = await runTether(root, ['new', 'connector']);
  expect(noName.code).toBe(2);
  expect(noName.stderr).toContain("error: missing required argument 'name'");
});

test('an option missing its value is refused with exit 2, never taken for a path', async () => {
  const result = await runTether(root, ['replay', '--query']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("option '-q, --query <query>' argument missing");
});

test('a command that fails at start exits 1 with one line naming the setting', async () => {
  const result = await runTether(root, ['worker'], { env: { ...process.env, TEMPORAL_ADDRESS: '', PORT: 'abc' } });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain('PORT');
});

test('a start with several bad settings reports every one of them, one line each', async () => {
  const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TETHER_ADMIN_TOKEN: 'short', TETHER_SPI_USER: 'catalog', TETHER_SPI_PASSWORD: 'pw', TETHER_SPI_TOKEN: 'tiny' };
  const result = await runTether(root, ['worker'], { env });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    'Invalid setting TETHER_ADMIN_TOKEN: must be at least 16 characters',
    'Invalid setting TETHER_SPI_PASSWORD: must be at least 8 characters',
    'Invalid setting TETHER_SPI_TOKEN: must be at least 16 characters',
  ]);
});

test('check-config reports what a production start requires, and a malformed codec key, without writing anything', async () => {
  const env = { ...process.env, NODE_ENV: 'production', TETHER_CONFIG: '', TETHER_ADMIN_TOKEN: '', TETHER_SPI_USER: '', TETHER_SPI_PASSWORD: '', TETHER_SPI_TOKEN: '', TETHER_CODEC_KEY: '', TETHER_DATA_DIR: `${root}/data` };
  const result = await runTether(root, ['check-config'], { env });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toEqual([
    'Invalid setting TETHER_ADMIN_TOKEN: required when NODE_ENV=production',
    'Invalid setting TETHER_SPI_USER/TETHER_SPI_PASSWORD or TETHER_SPI_TOKEN: required when NODE_ENV=production',
    expect.stringMatching(/^Invalid setting TETHER_CODEC_KEY: required when NODE_ENV=production/),
    '3 problems found; a start would stop here.',
  ]);
  const badKey = await runTether(root, ['check-config'], { env: { ...env, NODE_ENV: 'development', TETHER_CODEC_KEY: 'not*base64' } });
  expect(badKey.code).toBe(1);
  expect(badKey.stderr).toContain('TETHER_CODEC_KEY');
  expect(existsSync(`${root}/data`)).toBe(false);
});

test('replay of a history file that does not exist exits 1 naming it', async () => {
  const result = await runTether(root, ['replay', 'no-such-history.json']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('no-such-history.json');
});
