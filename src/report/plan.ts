/** What `--dry-run` prints: the plan as a table plus every command, or as JSON. */
import type { IsoDate } from '../config/types.js';
import type { PendingReason, Plan, TargetPlan } from '../plan/plan.js';
import { formatRun, runsIn } from '../util/dates.js';
import { shellQuote } from '../util/shell.js';
import type { SqlEstimate } from '../warehouse/warehouse.js';
import { counted, formatCount, formatDates, formatTable } from './format.js';

export interface PlanHeader {
  readonly roots: readonly string[];
  readonly warehouse: string;
  /** Said under the header, e.g. that the warehouse file does not exist yet. */
  readonly notice?: string | undefined;
  readonly concurrency: number;
  /** The command that would run this plan, shown as the next thing to type. */
  readonly rerun: string;
  /** Dates per step chosen for `shard: 'auto'` targets. */
  readonly shards?: ReadonlyMap<string, number>;
  /** Where a target's steps run, when not on this machine: `on cloud (Cloud Run job …)`. */
  readonly placement?: ReadonlyMap<string, string>;
}

/** Why a target has pending dates, in a few words: counts per reason, missing dates as ranges. */
function pendingReason(t: TargetPlan, calendar: readonly IsoDate[]): string {
  if (t.pending.length === 0) return 'complete';
  const of = (reason: PendingReason) => t.pending.filter((_, i) => t.reasons[i] === reason);
  const parts: string[] = [];
  const forced = of('forced');
  if (forced.length > 0) parts.push(`forced ${formatCount(forced.length)}`);
  const missing = of('missing');
  if (missing.length > 0) {
    const runs = runsIn(missing, calendar);
    parts.push(
      runs.length <= 2
        ? `missing ${runs.map(formatRun).join(', ')} (${formatCount(missing.length)})`
        : `missing ${formatCount(missing.length)} in ${runs.length} ranges`,
    );
  }
  const thin = of('check');
  if (thin.length > 0) parts.push(`thin ${formatCount(thin.length)} (fail checks)`);
  const stale = of('stale');
  if (stale.length > 0) parts.push(`stale ${formatCount(stale.length)}`);
  for (const a of t.after) parts.push(`after ${a.target} ${formatCount(a.count)}`);
  return parts.join(' · ');
}

/** The human plan: one row per target, what its SQL would bill (`costs`, on BigQuery), then each target's commands. */
export function formatPlan(plan: Plan, calendar: readonly IsoDate[], header: PlanHeader, costs: readonly string[] = []): string {
  const lines: string[] = [];
  const scope = header.roots.length > 0 ? header.roots.join(' ') : 'every target';
  lines.push(`bftask · plan for ${scope} · ${formatRun(plan.range)} · warehouse ${header.warehouse}`);
  if (header.notice) lines.push(`  ${header.notice}`);
  lines.push('');
  const rows = [['target', 'table', 'expected', 'present', 'pending', 'why']];
  for (const t of plan.targets) {
    rows.push([
      t.name,
      t.label,
      formatCount(t.expected.length),
      formatCount(t.present),
      formatCount(t.pending.length),
      pendingReason(t, calendar),
    ]);
  }
  lines.push(...formatTable(rows, ['l', 'l', 'r', 'r', 'r', 'l']).map((l) => `  ${l}`), '');

  const pendingDates = plan.targets.reduce((n, t) => n + t.pending.length, 0);
  const busy = plan.targets.filter((t) => t.steps.length > 0);
  lines.push(
    `  ${busy.length} of ${counted(plan.targets.length, 'target')} pending · ${counted(pendingDates, 'date')} · ` +
      `${counted(plan.steps.length, 'step')} · concurrency ${header.concurrency}`,
  );
  if (busy.length === 0) {
    lines.push('  nothing to do');
    return lines.join('\n');
  }
  if (costs.length > 0) lines.push('', ...costs.map((l) => `  ${l}`));
  for (const t of busy) {
    const auto = header.shards?.get(t.name);
    const where = header.placement?.get(t.name);
    lines.push(
      '',
      `  ${t.name} · ${formatDates(t.pending, calendar)} · ${counted(t.steps.length, 'step')}${where ? ` ${where}` : ''}` +
        `${auto === undefined ? '' : ` (shard auto: ${counted(auto, 'date')} a step)`}`,
    );
    const first = t.steps[0]?.action;
    if (first?.kind === 'sql') {
      lines.push(`    SQL, written into ${t.label} for each step's dates (@start, @end):`);
      lines.push(...first.sql.trim().split('\n').map((l) => `      ${l}`));
    }
    for (const step of t.steps) {
      lines.push(`    ${step.action.kind === 'command' ? step.action.argv.map(shellQuote).join(' ') : `@start=${step.start} @end=${step.end}`}`);
    }
  }
  lines.push('', `  run it: ${header.rerun}`);
  return lines.join('\n');
}

/**
 * The machine plan: every selected target, dates sorted, each step's argv (or SQL); the step size
 * chosen for `shard: 'auto'`; on BigQuery, each SQL target's `estimatedBytes` (billed, from dry
 * runs) and the dates over the cap.
 */
export function planJson(plan: Plan, shards: ReadonlyMap<string, number> = new Map(), estimates: readonly SqlEstimate[] = []): string {
  const estimated = new Map(estimates.map((e) => [e.target, e]));
  const targets = plan.targets.map((t) => {
    const head = JSON.stringify({
      name: t.name,
      table: t.label,
      ...(shards.has(t.name) ? { shard: shards.get(t.name) } : {}),
      pending: t.pending,
    });
    const tail = JSON.stringify({
      ...estimateJson(estimated.get(t.name)),
      steps: t.steps.map((s) =>
        s.action.kind === 'command'
          ? { start: s.start, end: s.end, argv: s.action.argv }
          : { start: s.start, end: s.end, sql: s.action.sql },
      ),
    });
    return `${head.slice(0, -1)},"reasons":${reasonsJson(t.pending, t.reasons)},${tail.slice(1)}`;
  });
  return `{"targets":[${targets.join(',')}]}`;
}

/**
 * `{"2024-01-05":"missing",…}` written directly: dates are validated YYYY-MM-DD and reasons
 * fixed words, so nothing needs escaping, and an object of half a million date keys built
 * only to be stringified cost a fifth of a large dry run.
 */
function reasonsJson(dates: readonly string[], reasons: readonly string[]): string {
  return `{${dates.map((d, i) => `"${d}":"${reasons[i]}"`).join(',')}}`;
}

function estimateJson(e: SqlEstimate | undefined): Record<string, unknown> {
  if (!e) return {};
  if (e.error) return { estimatedBytes: null, estimateError: e.error };
  return { estimatedBytes: e.bytesBilled, ...(e.overCap.length > 0 ? { overCap: e.overCap } : {}) };
}
