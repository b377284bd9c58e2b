import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { connectorFiles } from './connector-template';

const connectorName = /^[a-z][a-z0-9-]{0,39}$/;

/** `tether new connector <name>`: writes a plugin folder that passes its own test as created. */
export async function runNewConnector(name: string, dirOption: string, cwd = process.cwd()): Promise<void> {
  if (!connectorName.test(name)) throw new Error(`name ${JSON.stringify(name)}: use 1-40 lower-case letters, digits and dashes, starting with a letter (e.g. acme)`);
  const folder = resolve(cwd, dirOption.replace('<name>', name));
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new Error(`${folder} already exists and is not empty; choose another --dir`);
  const dir = relative(cwd, folder).split('\\').join('/') || '.';
  const files = connectorFiles({
    path: name,
    display: name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' '),
    env: name.toUpperCase().replaceAll('-', '_'),
    dir,
  });
  mkdirSync(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(folder, file), content);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Created ${dir}/`);
  for (const file of Object.keys(files)) say(`  ${file}`);
  say('');
  say('Next:');
  say(`  node --require tether/register --test ${dir}/${name}.test.ts   # its test, against a local HTTP peer`);
  say(`  npx tsc -p ${dir}                                            # type-check it`);
  say(`  add ${dir}/tether.config.snippet.yaml to tether.config.yaml, then: npx tether check-config`);
}
