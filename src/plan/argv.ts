/** Placeholder expansion for `run` arguments. */
import type { PLACEHOLDERS } from '../config/config.js';

export type Placeholders = Record<(typeof PLACEHOLDERS)[number], string>;

/** Replaces `{start}`, `{end}`, `{target}` and `{table}` inside each argument. */
export function expandArgv(run: readonly string[], values: Placeholders): string[] {
  return run.map((arg) => arg.replace(/\{(start|end|target|table)\}/g, (_, key: keyof Placeholders) => values[key]));
}
