import { z } from 'zod';
import { SettingsError } from '../config/settings';

/** Integration daemon knobs from the environment (to be folded into SettingsSchema by the settings owner). */
export const DaemonSettings = z.object({
  /** How often a reconciler re-reads its group definition; local metadata changes are pushed at once. */
  TETHER_DAEMON_POLL_SECONDS: z.coerce.number().positive().default(5),
});
export type DaemonSettings = z.infer<typeof DaemonSettings>;

export function parseDaemonSettings(env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const result = DaemonSettings.safeParse({ TETHER_DAEMON_POLL_SECONDS: env.TETHER_DAEMON_POLL_SECONDS || undefined });
  if (!result.success) throw new SettingsError(`Invalid setting TETHER_DAEMON_POLL_SECONDS: ${result.error.issues[0]!.message}`);
  return result.data;
}
