/*
 * Limits shared by the Behaviours Manager and its Behaviour Servers (no dependencies: the server bundle takes
 * this file). A server applies them to what it sends; the manager applies them again, since a behaviour runs
 * in the server and may send anything.
 */

/**
 * Largest output an action or a behaviour call may return (as JSON, UTF-8). Outputs are recorded in the
 * execution's history twice (an action's as the local activity's marker and the result on the fast path; a
 * behaviour call's as the activity's result and the execution's), and a workflow task over Temporal's 4 MiB never
 * completes: the execution would hang, RUNNING, until its deadline. One limit for both, defined here rather than
 * beside the actions (src/activities/recordable.ts imports it, and the http connector reads no larger body)
 * because a Behaviour Server may read only this folder's files: this module must stay dependency-free.
 */
export const MAX_RECORDED_OUTPUT_BYTES = 1_000_000;

/** A thrown error's message is cut to this many characters (it is recorded in the history too). */
export const MAX_BEHAVIOUR_ERROR_CHARS = 10_000;

/** Connection calls one server (one tenant and environment) may have running at once: past it a call is refused (429). */
export const MAX_CONNECTION_CALLS_AT_ONCE = 16;

/** Longest message a server may send on its channel: past it the manager stops reading and kills the server. */
export const MAX_CHANNEL_MESSAGE_CHARS = 8 * 1024 * 1024;

export const outputTooLarge = (bytes: number) =>
  `The behaviour's output is ${bytes} bytes as JSON; at most ${MAX_RECORDED_OUTPUT_BYTES} may be returned (it is recorded in the execution's history)`;

/** The message, cut to MAX_BEHAVIOUR_ERROR_CHARS in all (cutting a cut message changes nothing). */
export function cutMessage(message: string): string {
  if (message.length <= MAX_BEHAVIOUR_ERROR_CHARS) return message;
  const note = `… (${message.length} characters, cut)`;
  return `${message.slice(0, MAX_BEHAVIOUR_ERROR_CHARS - note.length)}${note}`;
}
