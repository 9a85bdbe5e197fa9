/**
 * Per-date data checks of table targets: a present date with fewer rows than `minRows`, or one
 * that the target's `check` query returns, is not done (thin).
 */
import type { Range, Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { FatalError, messageOf, UsageError } from '../util/errors.js';
import type { PresentDates, Warehouse } from '../warehouse/warehouse.js';

/** Why a present date is not done. */
export type Shortfall =
  | { readonly kind: 'rows'; readonly rows: number; readonly minRows: number }
  | { readonly kind: 'check' };

/**
 * The present dates among `dates` that fail the target's checks. Row counts come with coverage;
 * the check query runs once over `range`, and only when some date is present (before the first
 * build the tables it reads may not exist). A check that cannot run is the config's fault (exit 2,
 * naming the target) unless the warehouse failed in passing.
 */
export async function shortfalls(
  target: Target,
  found: PresentDates,
  range: Range,
  dates: ReadonlySet<IsoDate>,
  warehouse: Warehouse,
): Promise<Map<IsoDate, Shortfall>> {
  const thin = new Map<IsoDate, Shortfall>();
  const { minRows, sql } = target.checks;
  if (target.output.kind !== 'table' || (minRows === undefined && sql === undefined)) return thin;
  if (minRows !== undefined) {
    for (const [date, facts] of found) {
      if (dates.has(date) && facts.rows !== undefined && facts.rows < minRows) thin.set(date, { kind: 'rows', rows: facts.rows, minRows });
    }
  }
  if (sql === undefined || ![...found.keys()].some((d) => dates.has(d))) return thin;
  let failing: IsoDate[];
  try {
    failing = await warehouse.failingDates({ target: target.name, ref: target.output, sql, range });
  } catch (error) {
    const message = `targets.${target.name}.check: ${messageOf(error)}`;
    throw error instanceof FatalError ? new FatalError(message) : new UsageError(message);
  }
  for (const date of failing) if (dates.has(date) && found.has(date) && !thin.has(date)) thin.set(date, { kind: 'check' });
  return thin;
}

/** `has 1 row, fewer than minRows 3`, or `fails targets.x.check`. */
export function describeShortfall(shortfall: Shortfall, target: string): string {
  return shortfall.kind === 'rows'
    ? `has ${shortfall.rows} row${shortfall.rows === 1 ? '' : 's'}, fewer than minRows ${shortfall.minRows}`
    : `fails targets.${target}.check`;
}
