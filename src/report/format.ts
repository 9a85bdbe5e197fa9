/** Small text helpers shared by every report. */
import type { IsoDate } from '../config/types.js';
import type { Failure } from '../run/events.js';
import { formatRun, runsIn } from '../util/dates.js';
import { formatDurationSpec } from '../util/durations.js';
import { unreachable } from '../util/unreachable.js';

/** Compact ranges of calendar-consecutive dates: `2024-01-03..2024-01-05, 2024-02-01`, cut after `max`. */
export function formatDates(dates: readonly IsoDate[], calendar: readonly IsoDate[], max = 3): string {
  const runs = runsIn(dates, calendar);
  const shown = runs.slice(0, max).map(formatRun).join(', ');
  return runs.length > max ? `${shown}, … (${runs.length - max} more ${runs.length - max === 1 ? 'range' : 'ranges'})` : shown;
}

/** One line saying how a step failed. */
export function describeFailure(failure: Failure, calendar: readonly IsoDate[]): string {
  switch (failure.reason) {
    case 'exit-non-zero':
      return `exited with code ${failure.code}`;
    case 'signal':
      return `killed by ${failure.signal}`;
    case 'spawn-failed':
      return `failed to start: ${failure.message}`;
    case 'sql-failed':
      return `SQL failed: ${failure.message}`;
    case 'still-missing':
      return `${failure.afterSql ? 'wrote' : 'exited 0'} but ${formatDates(failure.missing, calendar)} still missing from ${failure.label}`;
    case 'still-thin':
      return `${failure.afterSql ? 'wrote' : 'exited 0'} but ${describeThin(failure, calendar)}`;
    case 'check-failed':
      return `ended well, but checking its dates failed: ${failure.message}`;
    case 'error':
      return `failed: ${failure.message}`;
    case 'remote-failed':
      return failure.message;
    case 'timed-out':
      return `timed out after ${formatDurationSpec(failure.ms)}`;
    case 'interrupted':
      return 'interrupted';
    default:
      return unreachable(failure);
  }
}

/** `2024-01-03 has 1 row, fewer than minRows 3`; `2024-01-04..2024-01-05 fail targets.x.check`. */
function describeThin(failure: Extract<Failure, { reason: 'still-thin' }>, calendar: readonly IsoDate[]): string {
  const parts: string[] = [];
  const rows = failure.thin.flatMap(({ date, shortfall }) => (shortfall.kind === 'rows' ? [{ date, ...shortfall }] : []));
  const first = rows[0];
  if (first) {
    const shown = rows.slice(0, 3).map((r) => `${r.date} has ${counted(r.rows, 'row')}`);
    const more = rows.length > 3 ? ` and ${counted(rows.length - 3, 'more date')}` : '';
    parts.push(`${shown.join(', ')}${more}, fewer than minRows ${first.minRows}`);
  }
  const checked = failure.thin.filter((t) => t.shortfall.kind === 'check').map((t) => t.date);
  if (checked.length > 0) parts.push(`${formatDates(checked, calendar)} ${checked.length === 1 ? 'fails' : 'fail'} targets.${failure.target}.check`);
  return parts.join('; ');
}

/** `1h02m`, `4m10s`, `12.3s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `61 dates/h`, `4.2 dates/min`, `12 dates/s`: a rate in the unit that keeps the number at least 1. */
export function formatRate(datesPerMs: number): string {
  const figure = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));
  const perHour = datesPerMs * 3_600_000;
  if (perHour < 60) return `${figure(perHour)} dates/h`;
  if (perHour < 3600) return `${figure(perHour / 60)} dates/min`;
  return `${figure(perHour / 3600)} dates/s`;
}

/** `1,619`. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** `1 step`, `1,619 dates`: a count and its noun, singular when the count is one. */
export const counted = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/** Pads columns: `align` says which are right-aligned ('r'); trailing spaces are trimmed. */
export function formatTable(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** `pcf 2024-01-03..2024-01-05`. */
export const stepName = (step: { target: string; start: IsoDate; end: IsoDate }): string =>
  `${step.target} ${formatRun(step)}`;
