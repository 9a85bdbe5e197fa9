/** What `bftask status` prints: coverage per target, as a table or JSON. */
import type { IsoDate } from '../config/types.js';
import type { Plan } from '../plan/plan.js';
import { formatRun } from '../util/dates.js';
import { PLAIN, type Paint } from './color.js';
import { counted, formatCount, formatDates, formatTable } from './format.js';

/** One row per target: expected, present, missing, percentage and the first gaps. */
export function formatStatus(plan: Plan, calendar: readonly IsoDate[], warehouse: string, paint: Paint = PLAIN): string {
  const rows = [['target', 'table', 'expected', 'present', 'missing', 'done', 'first gaps']];
  for (const t of plan.targets) {
    const done = t.expected.length === 0 ? 100 : (100 * t.present) / t.expected.length;
    rows.push([
      t.name,
      t.label,
      formatCount(t.expected.length),
      formatCount(t.present),
      formatCount(t.missing.length),
      t.missing.length === 0 ? '100%' : `${Math.min(done, 99.9).toFixed(1)}%`,
      formatDates(t.missing, calendar),
    ]);
  }
  const incomplete = plan.targets.filter((t) => t.missing.length > 0);
  const verdict =
    incomplete.length === 0
      ? paint.green(plan.targets.length === 1 ? '1 target complete' : `all ${plan.targets.length} targets complete`)
      : paint.red(`${incomplete.length} of ${counted(plan.targets.length, 'target')} incomplete`) + `: ${incomplete.map((t) => t.name).join(', ')}`;
  return [
    `bftask · status · ${formatRun(plan.range)} · warehouse ${warehouse}`,
    '',
    ...formatTable(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l']).map((l) => `  ${l}`),
    '',
    `  ${verdict}`,
  ].join('\n');
}

/** `{"targets":[{"name","table","expected","present","missing":[dates]}]}`. */
export function statusJson(plan: Plan): string {
  return JSON.stringify({
    targets: plan.targets.map((t) => ({
      name: t.name,
      table: t.label,
      expected: t.expected.length,
      present: t.present,
      missing: t.missing,
    })),
  });
}
