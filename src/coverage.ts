/** Reads which dates each target's output already holds: tables from the warehouse, files from disk. */
import fs from 'node:fs';
import path from 'node:path';
import type { Calendar, Range, Target } from './config/config.js';
import type { IsoDate } from './config/types.js';
import { eachDay, formatRun } from './util/dates.js';
import { UsageError } from './util/errors.js';
import { unreachable } from './util/unreachable.js';
import type { PresentDates, TableRef, Warehouse } from './warehouse/warehouse.js';

/** Present dates per target name, for the dates of `calendar` within `range`. */
export async function readCoverage(
  targets: readonly Target[],
  range: Range,
  calendar: readonly IsoDate[],
  warehouse: Warehouse,
  dir: string,
): Promise<Map<string, Set<IsoDate>>> {
  const tables: TableRef[] = [];
  for (const t of targets) if (t.output.kind === 'table') tables.push(t.output);
  // One batch for the whole selection, so a warehouse can group its queries (BigQuery: per dataset).
  const byTable = tables.length > 0 ? await warehouse.presentDates(tables, range) : new Map<string, PresentDates>();
  const present = new Map<string, Set<IsoDate>>();
  for (const t of targets) {
    if (t.output.kind === 'table') {
      present.set(t.name, new Set(byTable.get(t.output.table)?.keys()));
    } else {
      const { pattern } = t.output;
      const inRange = calendar.filter((d) => d >= range.start && d <= range.end);
      present.set(t.name, new Set(inRange.filter((d) => fs.existsSync(path.resolve(dir, pattern.replaceAll('{date}', d))))));
    }
  }
  return present;
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
