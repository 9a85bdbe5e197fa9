/** Errors that end bftask with a one-line message and exit code 2 (usage or config at fault). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The message of anything thrown, on one line. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

/** A failure of the environment (not the user's input) that stops bftask before it runs anything: exit 1. */
export class FatalError extends Error {
  override readonly name = 'FatalError';
}
