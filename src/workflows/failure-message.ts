/** The message a person needs from an activity failure: its cause's, not the wrapper's. */
export function failureMessage(err: unknown): string {
  const failure = err as { cause?: { message?: string }; message?: string };
  return failure.cause?.message ?? failure.message ?? String(err);
}
