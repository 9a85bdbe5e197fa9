/**
 * Reads which dates each target's output already holds: tables from the warehouse, files from
 * disk, objects from Cloud Storage; and which present dates of tables fail their data checks.
 */
import type { Calendar, Range, Target } from './config/config.js';
import type { IsoDate } from './config/types.js';
import { eachDay, formatRun } from './util/dates.js';
import { UsageError } from './util/errors.js';
import { unreachable } from './util/unreachable.js';
import { shortfalls, type Shortfall } from './outputs/checks.js';
import { readLocalFiles } from './outputs/files.js';
import type { DateFacts, PresentDates, TableRef, Warehouse } from './warehouse/warehouse.js';

/** What a target's output holds: its present dates and, where a source knows, when each was written. */
export interface Coverage {
  readonly present: ReadonlyMap<string, ReadonlySet<IsoDate>>;
  /** Modification times (ms since the epoch): BigQuery partitions, local files, Cloud Storage objects. */
  readonly times: ReadonlyMap<string, ReadonlyMap<IsoDate, number>>;
  /** Present dates that fail a data check (`minRows`, `check`), and how: they are not done. */
  readonly thin: ReadonlyMap<string, ReadonlyMap<IsoDate, Shortfall>>;
}

/**
 * Present dates per target name, for the dates of `calendar` within `range`; with `withTimes`,
 * file modification times too (one stat per present file, so only when staleness is planned).
 * Every source is read once for the whole selection: one warehouse batch, one listing per
 * Cloud Storage target, one run of each data check.
 */
export async function readCoverage(
  targets: readonly Target[],
  range: Range,
  calendar: readonly IsoDate[],
  warehouse: Warehouse,
  dir: string,
  withTimes = false,
): Promise<Coverage> {
  const tables: TableRef[] = [];
  for (const t of targets) if (t.output.kind === 'table') tables.push({ ...t.output, countRows: t.checks.minRows !== undefined });
  const inRange = calendar.filter((d) => d >= range.start && d <= range.end);
  const dates = new Set(inRange);
  // One batch for the whole selection, so a warehouse can group its queries (BigQuery: per
  // dataset); listings of Cloud Storage go on meanwhile.
  const batch = tables.length > 0 ? warehouse.presentDates(tables, range) : undefined;
  const read = async (t: Target): Promise<PresentDates> => {
    const { output } = t;
    switch (output.kind) {
      case 'table':
        return (await batch)?.get(output.table) ?? new Map();
      case 'files':
        return new Map([...readLocalFiles(output.pattern, dir, inRange, withTimes)].map(([d, ms]) => [d, { modified: ms }]));
      case 'objects': {
        // Loaded on demand: a project without Cloud Storage targets never loads its client library.
        const { readObjects } = await import('./outputs/gcs.js');
        return readObjects(t.name, output, range, dates);
      }
      default:
        return unreachable(output);
    }
  };
  const found = await Promise.all(targets.map(read));
  const thin = await Promise.all(targets.map((t, i) => shortfalls(t, found[i] as PresentDates, range, dates, warehouse)));
  const present = new Map<string, Set<IsoDate>>();
  const times = new Map<string, Map<IsoDate, number>>();
  targets.forEach((t, i) => {
    const facts = found[i] as ReadonlyMap<IsoDate, DateFacts>;
    present.set(t.name, new Set(facts.keys()));
    const known = new Map<IsoDate, number>();
    for (const [date, { modified }] of facts) if (modified !== undefined) known.set(date, modified);
    times.set(t.name, known);
  });
  return { present, times, thin: new Map(targets.map((t, i) => [t.name, thin[i] as Map<IsoDate, Shortfall>])) };
}

/**
 * The calendar's dates within the range, sorted. None at all is an error: an empty calendar
 * would plan nothing and report every target complete.
 */
export async function resolveCalendar(calendar: Calendar, range: Range, warehouse: Warehouse): Promise<IsoDate[]> {
  const dates = await calendarDates(calendar, range, warehouse);
  if (dates.length === 0) {
    const source = calendar.kind === 'table' ? `table ${calendar.table} (column ${calendar.dateColumn})` : 'list';
    throw new UsageError(`calendar: the ${source} has no date in ${formatRun(range)}: nothing could be expected or built`);
  }
  return dates;
}

function calendarDates(calendar: Calendar, range: Range, warehouse: Warehouse): Promise<IsoDate[]> | IsoDate[] {
  switch (calendar.kind) {
    case 'daily':
      return eachDay(range.start, range.end);
    case 'dates':
      return calendar.dates.filter((d) => d >= range.start && d <= range.end);
    case 'table':
      return warehouse.calendarDates(calendar, range);
    default:
      return unreachable(calendar);
  }
}
