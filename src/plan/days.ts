/**
 * Calendar dates as day numbers (days since 1970-01-01), computed once per plan: lookback windows
 * are then integer comparisons instead of date arithmetic on strings, which was most of the
 * planner's time on large plans.
 */
import type { IsoDate } from '../config/types.js';

const DAY_MS = 86_400_000;

/** The day number of a `YYYY-MM-DD` date. */
export const dayNumber = (date: IsoDate): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** Day numbers of the calendar's dates, index-aligned with it. */
export function dayNumbers(calendar: readonly IsoDate[]): Int32Array {
  const days = new Int32Array(calendar.length);
  for (let i = 0; i < calendar.length; i++) days[i] = dayNumber(calendar[i] as IsoDate);
  return days;
}
