import { loadConnectorRegistry } from '../config/connectors';
import { findConfigFile } from '../config/config-file';
import { resolveCredentials } from '../config/credentials';
import { parseSettings, SettingsError } from '../config/settings';
import { resolveCodecKeyRing } from '../temporal/codec';
import { CommandFailed } from './exit';

/** Runs one check; a settings or config problem becomes lines in `problems` instead of stopping the others. */
function collect<T>(problems: string[], check: () => T): T | undefined {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
}

/**
 * `tether check-config [file]`: the settings and the config file (the one given, else TETHER_CONFIG, else
 * `tether.config.yaml` here) checked as a start would check them — every plugin loaded and declared,
 * every instance's settings parsed — without starting anything. Prints every problem; exit 1 if any.
 */
export async function runCheckConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const problems: string[] = [];
  const settings = collect(problems, () => parseSettings(env));
  // What a start requires of credentials and the codec key; only where checking writes nothing (outside
  // production a start generates what is missing, which a check must not do).
  const production = settings?.NODE_ENV === 'production';
  if (settings && production) collect(problems, () => resolveCredentials(settings));
  if (settings && (production || settings.TETHER_CODEC_KEY !== undefined)) collect(problems, () => resolveCodecKeyRing(settings));
  const configured = file ?? (env.TETHER_CONFIG || undefined);
  const path = collect(problems, () => findConfigFile(configured));
  const registry = path ? collect(problems, () => loadConnectorRegistry({ TETHER_CONFIG: path }, { env })) : undefined;
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} found; a start would stop here.`);
    throw new CommandFailed('check-config found problems');
  }
  if (!registry) {
    console.log('No config file (no argument, TETHER_CONFIG unset, no tether.config.yaml here): a start serves the dev defaults. Settings OK.');
    return;
  }
  const connectors = registry.list();
  const instances = connectors.reduce((count, connector) => count + connector.instances.length, 0);
  // What tenant code may reach, for the operator to audit: instances whose behaviours list admits some scope.
  const open = connectors.flatMap((c) => c.instances.filter((instance) => instance.behaviours?.length).map((instance) => `${c.definition.path}/${instance.id} (${instance.behaviours!.join(', ')})`));
  const behaviours = open.length === 0 ? 'none open to behaviours' : `open to behaviours: ${open.join('; ')}`;
  console.log(`${path}: OK — ${connectors.length} connector${connectors.length === 1 ? '' : 's'} (${connectors.map((c) => c.definition.path).join(', ')}), ${instances} connection instance${instances === 1 ? '' : 's'} (${behaviours}); settings OK.`);
}
