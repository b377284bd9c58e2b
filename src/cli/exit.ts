/**
 * Exit codes of the `tether` command (README "The tether command").
 * 0: done (or help/version shown); 1: the command failed (bad setting or config, start-up error, replay
 * non-determinism, problems found by check-config); 2: the command line itself is wrong.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** Thrown by a command that has already printed what went wrong: the CLI only sets exit code 1. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}
