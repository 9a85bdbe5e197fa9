/** Calendar dates as `YYYY-MM-DD` strings: the only date type bftask uses. */
import type { IsoDate } from '../config/types.js';

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * True for a real calendar date written `YYYY-MM-DD` (rejects 2024-02-30 and 2024-1-5). By
 * arithmetic, not a round trip through Date: coverage checks every date a table holds, and
 * at a million of them the round trip was a sixth of a dry run.
 */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const leap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysInMonth = (year: number, month: number) => (month === 2 ? (leap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/**
 * The years a date given to bftask may have. Dates are compared as strings, which orders them
 * only while years have four digits: a range ending in 9999 would step into `+010000-…`, which
 * sorts before it, and never end.
 */
export const MIN_YEAR = 1000;
export const MAX_YEAR = 9998;

/** Why `value` cannot be a date to plan with (`is not a date: use YYYY-MM-DD`), or undefined. */
export function dateProblem(value: unknown): string | undefined {
  if (!isIsoDate(value)) return 'is not a date: use YYYY-MM-DD';
  const year = Number(value.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) return `is out of range: use a year from ${MIN_YEAR} to ${MAX_YEAR}`;
  return undefined;
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every calendar day from `start` to `end`, inclusive. */
export function eachDay(start: IsoDate, end: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) days.push(d);
  return days;
}

/** A run of dates shown as one range. */
export interface DateRun {
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly count: number;
}

/**
 * Groups sorted `dates` into runs that are consecutive in `calendar` (also sorted), so
 * `2024-01-03..2024-01-05` can stand for three game dates even across days without games.
 */
export function runsIn(dates: readonly IsoDate[], calendar: readonly IsoDate[]): DateRun[] {
  const position = new Map(calendar.map((d, i) => [d, i]));
  const runs: DateRun[] = [];
  let first: IsoDate | undefined;
  let last: IsoDate | undefined;
  let count = 0;
  let lastPos = -2;
  for (const d of dates) {
    const pos = position.get(d) ?? -2;
    if (first !== undefined && last !== undefined && pos === lastPos + 1 && pos >= 0) {
      last = d;
      count++;
    } else {
      if (first !== undefined && last !== undefined) runs.push({ start: first, end: last, count });
      first = d;
      last = d;
      count = 1;
    }
    lastPos = pos;
  }
  if (first !== undefined && last !== undefined) runs.push({ start: first, end: last, count });
  return runs;
}

/** `2024-01-03..2024-01-05` for a run, or the single date. */
export function formatRun(run: Pick<DateRun, 'start' | 'end'>): string {
  return run.start === run.end ? run.start : `${run.start}..${run.end}`;
}

/** Index of the first element of sorted `dates` that is >= `date`. */
export function lowerBound(dates: readonly IsoDate[], date: IsoDate): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((dates[mid] as IsoDate) < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
