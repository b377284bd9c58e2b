/*
 * Limits shared by the Behaviours Manager and its Behaviour Servers (no dependencies: the server bundle takes
 * this file). A server applies them to what it sends; the manager applies them again, since a behaviour runs
 * in the server and may send anything.
 */

/**
 * Largest output a behaviour call may return (as JSON, UTF-8): it is recorded in the execution's history twice
 * (the activity's result and the execution's), and a workflow task above Temporal's 4 MiB never completes.
 */
export const MAX_BEHAVIOUR_OUTPUT_BYTES = 1_000_000;

/** A thrown error's message is cut to this many characters (it is recorded in the history too). */
export const MAX_BEHAVIOUR_ERROR_CHARS = 10_000;

/** Connection calls one server (one tenant and environment) may have running at once: past it a call is refused (429). */
export const MAX_CONNECTION_CALLS_AT_ONCE = 16;

/** Longest message a server may send on its channel: past it the manager stops reading and kills the server. */
export const MAX_CHANNEL_MESSAGE_CHARS = 8 * 1024 * 1024;

export const outputTooLarge = (bytes: number) =>
  `The behaviour's output is ${bytes} bytes as JSON; at most ${MAX_BEHAVIOUR_OUTPUT_BYTES} may be returned (it is recorded in the execution's history)`;

/** The message, cut to MAX_BEHAVIOUR_ERROR_CHARS in all (cutting a cut message changes nothing). */
export function cutMessage(message: string): string {
  if (message.length <= MAX_BEHAVIOUR_ERROR_CHARS) return message;
  const note = `… (${message.length} characters, cut)`;
  return `${message.slice(0, MAX_BEHAVIOUR_ERROR_CHARS - note.length)}${note}`;
}
