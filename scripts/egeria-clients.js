#!/usr/bin/env node
'use strict';
/**
 * Builds the real Egeria clients that test/daemon/egeria-clients.test.ts drives Tether with, once (each is rebuilt
 * only when missing or older than its sources), printing what each step took:
 * - the Java probe in test/egeria-clients/java: Egeria 4.2's own client jars from Maven Central (`mvn -q -B package`,
 *   dependencies into ~/.m2; Java 17 and Maven ship on the machine);
 * - pyegeria 1.5.1.0.23 in a virtualenv under the cache dir, with only the dependencies its import needs (its
 *   declared ones include Jupyter and Kafka clients it does not use here).
 * Run by .ci/run, and by the test itself (so `npm test` works on a fresh clone); a failure fails the test.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const javaProject = join(root, 'test', 'egeria-clients', 'java');
const pyegeriaVersion = '1.5.1.0.23';
// pyegeria's import-time dependencies, bounded as its own metadata bounds them.
const pyegeriaImports = ['httpx>=0.27,<0.28', 'validators>=0.32,<0.33', 'requests>=2.32.3,<3', 'rich>=13.8.1,<14', 'psycopg2-binary>=2.9.9,<3', 'nest_asyncio', 'ipython'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function timed(what, log, build) {
  const started = Date.now();
  build();
  log(`Egeria clients: ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function run(command, args, options) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (err) {
    throw new Error(`${command} ${args.join(' ')} failed (${err.code ?? `exit ${err.status}`}):\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** The Java probe: `java -cp <classpath> tether.egeria.Main …`. */
function ensureJavaProbe(log) {
  const classpathFile = join(javaProject, 'target', 'classpath.txt');
  // Maven leaves an unchanged classpath.txt untouched, so a stamp of its own says when the last build succeeded.
  const built = join(javaProject, 'target', '.built');
  const sources = Math.max(newestMtime(join(javaProject, 'pom.xml')), newestMtime(join(javaProject, 'src')));
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    timed('Java probe built with Egeria 4.2 jars (mvn -q -B package)', log, () => run('mvn', ['-q', '-B', 'package'], { cwd: javaProject }));
    writeFileSync(built, '');
  }
  const dependencies = readFileSync(classpathFile, 'utf8').trim();
  return [join(javaProject, 'target', 'classes'), dependencies].join(':');
}

/** pyegeria's virtualenv: its python. */
function ensurePyegeria(log) {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const venv = join(cache, 'tether', `pyegeria-${pyegeriaVersion}`);
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.installed');
  if (!existsSync(marker)) {
    timed(`pyegeria ${pyegeriaVersion} installed into ${venv}`, log, () => {
      run('python3', ['-m', 'venv', '--clear', venv]);
      const pip = [python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
      run(pip[0], [...pip.slice(1), '--no-deps', `pyegeria==${pyegeriaVersion}`]);
      run(pip[0], [...pip.slice(1), ...pyegeriaImports]);
      run(python, ['-c', 'import pyegeria']);
      writeFileSync(marker, `${pyegeriaVersion}\n`);
    });
  }
  return python;
}

function ensureEgeriaClients(log = console.log) {
  return { javaClasspath: ensureJavaProbe(log), python: ensurePyegeria(log) };
}

module.exports = { ensureEgeriaClients, javaProject };

if (require.main === module) ensureEgeriaClients();
