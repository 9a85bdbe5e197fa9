/** The bftask command lines printed as the next thing to type: they must plan what they promise. */
import type { IsoDate } from '../config/types.js';
import { shellQuote } from '../util/shell.js';

export interface CommandLine {
  readonly targets: readonly string[];
  readonly force: readonly string[];
  readonly from: IsoDate | undefined;
  readonly to: IsoDate | undefined;
  readonly concurrency: number | undefined;
  readonly config: string | undefined;
  readonly noStale?: boolean;
}

/** `bftask mlfs --force pcf --from 2024-01-10 -j 2`. */
export function formatCommand(c: CommandLine): string {
  const parts = ['bftask', ...c.targets];
  for (const name of c.force) parts.push('--force', name);
  if (c.from) parts.push('--from', c.from);
  if (c.to) parts.push('--to', c.to);
  if (c.concurrency !== undefined) parts.push('-j', String(c.concurrency));
  if (c.config) parts.push('--config', c.config);
  if (c.noStale) parts.push('--no-stale');
  return parts.map(shellQuote).join(' ');
}
