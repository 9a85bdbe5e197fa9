/** What `bftask status` prints: coverage per target, as a table or JSON. */
import type { IsoDate } from '../config/types.js';
import type { Plan } from '../plan/plan.js';
import { formatRun } from '../util/dates.js';
import { PLAIN, type Paint } from './color.js';
import { counted, formatCount, formatDates, formatTable } from './format.js';

export interface StatusOptions {
  /** The config has data checks: show the `thin` column even when nothing is thin. */
  readonly withChecks?: boolean;
  readonly paint?: Paint;
}

/**
 * One row per target: expected, present, missing, percentage and the first gaps; with data checks
 * in the config, a `thin` column too (present dates that fail them), and their dates among the gaps.
 */
export function formatStatus(plan: Plan, calendar: readonly IsoDate[], warehouse: string, options: StatusOptions = {}): string {
  const paint = options.paint ?? PLAIN;
  const showThin = (options.withChecks ?? false) || plan.targets.some((t) => t.thin.length > 0);
  const rows = [['target', 'table', 'expected', 'present', ...(showThin ? ['thin'] : []), 'missing', 'done', 'first gaps']];
  for (const t of plan.targets) {
    const done = t.expected.length === 0 ? 100 : (100 * t.present) / t.expected.length;
    const gaps = [formatDates(t.missing, calendar), t.thin.length > 0 ? `thin ${formatDates(t.thin, calendar)}` : ''].filter(Boolean);
    rows.push([
      t.name,
      t.label,
      formatCount(t.expected.length),
      formatCount(t.present),
      ...(showThin ? [formatCount(t.thin.length)] : []),
      formatCount(t.missing.length),
      t.present === t.expected.length ? '100%' : `${Math.min(done, 99.9).toFixed(1)}%`,
      gaps.join('; '),
    ]);
  }
  const incomplete = plan.targets.filter((t) => !isComplete(t));
  const verdict =
    incomplete.length === 0
      ? paint.green(plan.targets.length === 1 ? '1 target complete' : `all ${plan.targets.length} targets complete`)
      : paint.red(`${incomplete.length} of ${counted(plan.targets.length, 'target')} incomplete`) + `: ${incomplete.map((t) => t.name).join(', ')}`;
  return [
    `bftask · status · ${formatRun(plan.range)} · warehouse ${warehouse}`,
    '',
    ...formatTable(rows, ['l', 'l', 'r', 'r', ...(showThin ? ['r' as const] : []), 'r', 'r', 'l']).map((l) => `  ${l}`),
    '',
    `  ${verdict}`,
  ].join('\n');
}

/** `{"targets":[{"name","table","expected","present","missing":[dates],"thin":[dates]}]}`. */
export function statusJson(plan: Plan): string {
  return JSON.stringify({
    targets: plan.targets.map((t) => ({
      name: t.name,
      table: t.label,
      expected: t.expected.length,
      present: t.present,
      missing: t.missing,
      thin: t.thin,
    })),
  });
}

/** Every expected date present and passing its data checks. */
export const isComplete = (t: Plan['targets'][number]): boolean => t.missing.length === 0 && t.thin.length === 0;
