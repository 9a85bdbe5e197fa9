/** What a plan's SQL targets would bill on BigQuery, as `--dry-run` shows it. */
import type { Plan } from '../plan/plan.js';
import type { IsoDate } from '../config/types.js';
import type { SqlEstimate } from '../warehouse/warehouse.js';
import { formatCount, formatTable } from './format.js';

/** BigQuery's on-demand price per TiB scanned (US multi-region), for a rough figure. */
export const ON_DEMAND_USD_PER_TIB = 6.25;
const TIB = 1024 ** 4;

/** The SQL targets of a plan with their pending dates: what a warehouse estimates. */
export function sqlWork(plan: Plan): { target: string; sql: string; dates: readonly IsoDate[] }[] {
  return plan.targets.flatMap((t) => {
    const action = t.steps[0]?.action;
    return action?.kind === 'sql' ? [{ target: t.name, sql: action.sql, dates: t.steps.flatMap((s) => s.dates) }] : [];
  });
}

/** `1.2 TiB`, `340.0 MiB`, `512 B`: binary units, as BigQuery bills. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `about $7.50 at $6.25/TiB`. */
function price(bytes: number): string {
  const usd = (bytes / TIB) * ON_DEMAND_USD_PER_TIB;
  return `${usd > 0 && usd < 0.01 ? 'under $0.01' : `about $${usd.toFixed(2)}`} at $${ON_DEMAND_USD_PER_TIB.toFixed(2)}/TiB`;
}

/**
 * Lines for the plan: bytes billed per SQL target and in total with a rough price, then a flag
 * for every target with a date whose job would go over the cap (it would fail, unbilled).
 */
export function formatEstimates(estimates: readonly SqlEstimate[], cap: number | undefined): string[] {
  if (estimates.length === 0) return [];
  const jobs = estimates.reduce((n, e) => n + e.jobs, 0);
  const total = estimates.reduce((n, e) => n + e.bytesBilled, 0);
  const rows = estimates.map((e) => [e.target, `${formatCount(e.jobs)} ${e.jobs === 1 ? 'job' : 'jobs'}`, e.error ? 'not estimated' : `≈ ${formatBytes(e.bytesBilled)}`]);
  const partial = estimates.some((e) => e.error) ? ' (without the targets not estimated)' : '';
  rows.push(['total', `${formatCount(jobs)} ${jobs === 1 ? 'job' : 'jobs'}`, `≈ ${formatBytes(total)}, ${price(total)}${partial}`]);
  const lines = [
    'cost of the SQL targets, from BigQuery dry runs (one per pending date, as each runs; free):',
    ...formatTable(rows, ['l', 'r', 'l']).map((l) => `  ${l}`),
  ];
  for (const e of estimates) {
    if (e.error) lines.push(`? ${e.target}: not estimated: ${e.error}`);
    if (e.overCap.length === 0 || cap === undefined) continue;
    const shown = e.overCap.slice(0, 3).map((o) => `${o.date} (${formatBytes(o.bytes)})`).join(', ');
    const more = e.overCap.length > 3 ? `, … (${e.overCap.length - 3} more)` : '';
    lines.push(
      `! ${e.target}: ${formatCount(e.overCap.length)} ${e.overCap.length === 1 ? 'date' : 'dates'} over maximumBytesBilled ` +
        `(${formatBytes(cap)}): ${shown}${more}: ${e.overCap.length === 1 ? 'its job' : 'their jobs'} would fail, unbilled; ` +
        'raise warehouse.maximumBytesBilled or narrow the query',
    );
  }
  return lines;
}
