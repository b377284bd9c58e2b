import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTetherPackage, runTether, type CommandResult } from '../support/built-tether';

const repo = join(__dirname, '..', '..');

/**
 * A connector author's path, end to end, with Tether installed as a package in their project
 * (node_modules/tether is the built package): scaffold, run the scaffold's own test, type-check it,
 * check the config that names it — each step the real command, as a child process.
 */
let root: string;
let project: string;
beforeAll(async () => {
  root = await buildTetherPackage();
  project = mkdtempSync(join(tmpdir(), 'tether-author-'));
  writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(root, join(project, 'node_modules', 'tether'), 'dir');
  symlinkSync(join(repo, 'node_modules', '@types'), join(project, 'node_modules', '@types'), 'dir');
}, 180_000);
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd: project, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failure = err as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

const tether = (args: string[], env?: NodeJS.ProcessEnv) => runTether(root, args, { cwd: project, env });

test('tether new connector acme scaffolds a folder whose own test passes as created', async () => {
  const created = await tether(['new', 'connector', 'acme']);
  expect(created.code).toBe(0);
  for (const file of ['acme.connector.ts', 'acme.test.ts', 'tether.config.snippet.yaml', 'tsconfig.json']) {
    expect(existsSync(join(project, 'connectors', 'acme', file))).toBe(true);
  }
  expect(created.stdout).toContain('node --require tether/register --test connectors/acme/acme.test.ts');

  const ownTest = await run(process.execPath, ['--require', 'tether/register', '--test', 'connectors/acme/acme.test.ts']);
  expect(ownTest.stdout).toContain('# pass 5');
  expect(ownTest.stdout).toContain('# fail 0');
  expect(ownTest.code).toBe(0);
}, 60_000);

test('the TypeScript plugin type-checks against tether/sdk (package exports with declarations)', async () => {
  const checked = await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'connectors/acme']);
  expect(checked.stdout + checked.stderr).toBe('');
  expect(checked.code).toBe(0);
  // A project still on the older resolution (`module: commonjs`, which ignores `exports`) finds the types through typesVersions.
  const files = ['connectors/acme/acme.connector.ts', 'connectors/acme/acme.test.ts'];
  const older = await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'es2022', '--types', 'node', ...files]);
  expect(older.stdout + older.stderr).toBe('');
  // A type error in the plugin is caught: a handler returning a string where outputs are expected.
  const definition = join(project, 'connectors', 'acme', 'acme.connector.ts');
  const source = readFileSync(definition, 'utf8');
  writeFileSync(definition, source.replace('return { item: await response.json() };', "return 'not outputs';"));
  const broken = await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'connectors/acme']);
  writeFileSync(definition, source);
  expect(broken.code).not.toBe(0);
  expect(broken.stdout).toContain('acme.connector.ts');
}, 60_000);

test('tether check-config loads the TypeScript plugin and a JavaScript one as a start would', async () => {
  mkdirSync(join(project, 'connectors', 'greeting'), { recursive: true });
  copyFileSync(join(repo, 'test', 'config', 'fixtures', 'greeting-connector.js'), join(project, 'connectors', 'greeting', 'index.js'));
  const snippet = readFileSync(join(project, 'connectors', 'acme', 'tether.config.snippet.yaml'), 'utf8');
  writeFileSync(join(project, 'tether.config.yaml'), `${snippet}  - use: ./connectors/greeting/index.js\n    connectionInstances: [{ id: EN, name: English, behaviours: ["acme/*"] }]\n`);
  const ok = await tether(['check-config'], { ...process.env, ACME_API_KEY: 'k' });
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toContain('tether.config.yaml: OK — 2 connectors (acme, greeting), 2 connection instances (open to behaviours: greeting/EN (acme/*)); settings OK.');
  expect(ok.code).toBe(0);
}, 60_000);

test('tether check-config prints every problem, one line each, and exits 1', async () => {
  writeFileSync(
    join(project, 'broken.yaml'),
    `connectors:
  - use: ./connectors/acme/acme.connector.ts
    connectionInstances:
      - { id: DEV, name: Dev, settings: { baseUrl: "ftp://x", apiKey: "\${ACME_API_KEY}" } }
      - { id: QA, name: QA, settings: { timeoutMs: -1 } }
  - use: ./connectors/missing.js
`,
  );
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'ACME_API_KEY')), PORT: 'eighty' };
  const result = await tether(['check-config', 'broken.yaml'], env);
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toBe('Invalid setting PORT: expected a port number (0-65535)');
  const problems = lines.slice(1, -1).map((line) => line.slice(line.indexOf('connectors[')));
  expect(problems).toEqual([
    'connectors[0].connectionInstances[0].settings.apiKey references ${ACME_API_KEY}, which is not set in the environment',
    'connectors[0].connectionInstances[0].settings.baseUrl: expected an http(s) URL',
    'connectors[0].connectionInstances[1].settings.baseUrl: expected an http(s) URL',
    'connectors[0].connectionInstances[1].settings.timeoutMs: Too small: expected number to be >0',
    expect.stringContaining('connectors[1].use: "./connectors/missing.js" is not a built-in connector'),
  ]);
  expect(lines.at(-1)).toBe('6 problems found; a start would stop here.');
}, 60_000);

test('tether new connector refuses a bad name and an existing folder', async () => {
  const badName = await tether(['new', 'connector', 'Acme Corp']);
  expect(badName.code).toBe(1);
  expect(badName.stderr).toContain('use 1-40 lower-case letters');
  const again = await tether(['new', 'connector', 'acme']);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('already exists and is not empty');
});

test("the README's TypeScript example type-checks against tether/sdk and loads", async () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const example = /```ts\n(import \{[^}]*\} from 'tether\/sdk';[\s\S]*?)```/.exec(readme)![1]!;
  mkdirSync(join(project, 'readme'));
  writeFileSync(join(project, 'readme', 'greeting.ts'), example);
  copyFileSync(join(project, 'connectors', 'acme', 'tsconfig.json'), join(project, 'readme', 'tsconfig.json'));
  const checked = await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'readme']);
  expect(checked.stdout).toBe('');
  writeFileSync(join(project, 'readme.yaml'), 'connectors:\n  - use: ./readme/greeting.ts\n    connectionInstances: [{ id: EN, name: English }]\n');
  const loaded = await tether(['check-config', 'readme.yaml']);
  expect(loaded.stdout).toContain('OK — 1 connector (greeting)');
}, 60_000);
