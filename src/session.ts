/**
 * Everything a command needs before it can act: the selected targets, the calendar and the
 * coverage read from the warehouse, turned into a plan. Reads only; runs nothing.
 */
import type { Config, Range, Target } from './config/config.js';
import { autoShard, estimate, type Timing } from './plan/estimate.js';
import type { IsoDate } from './config/types.js';
import { withDependencies } from './config/graph.js';
import { readCoverage, resolveCalendar } from './coverage.js';
import type { Shortfall } from './outputs/checks.js';
import { plan, planningStart, reachBack, type Plan } from './plan/plan.js';
import type { Warehouse } from './warehouse/warehouse.js';

export interface PlanRequest {
  /** Targets named on the command line; none means every target. */
  readonly roots: readonly string[];
  readonly range: Range;
  readonly force: ReadonlySet<string>;
  /** Plan prerequisites back to this date where lookbacks reach before the range (see PlanInput.floor). */
  readonly floor?: IsoDate;
  /** `--no-stale`: plan from presence alone. */
  readonly presenceOnly?: boolean;
  /** The run's global bound, for sizing `shard: 'auto'` (default: the config's). */
  readonly concurrency?: number;
}

export interface Planned {
  readonly plan: Plan;
  /** The calendar's dates within the range. */
  readonly calendar: readonly IsoDate[];
  /** The build times the plan was made with (empty when planning from presence alone). */
  readonly built: ReadonlyMap<string, ReadonlyMap<IsoDate, number>>;
  /** Present dates failing a data check, and how (too few rows, or the check query). */
  readonly thin: ReadonlyMap<string, ReadonlyMap<IsoDate, Shortfall>>;
  /** Dates per step chosen for `shard: 'auto'` targets. */
  readonly shards: ReadonlyMap<string, number>;
}

/** When each (target, date) was built according to bftask's own ledger. */
export interface BuildHistory {
  buildTimes(targets: readonly string[]): Map<string, Map<IsoDate, number>>;
  /** Successful attempts of a target: dates built and milliseconds taken. */
  timings(target: string): Timing[];
}

/**
 * Reads the calendar, the selection's coverage and, unless planning from presence alone, when
 * each present date was built (the ledger, BigQuery partition times, file times: the latest
 * wins); then plans.
 */
export async function planFromWarehouse(
  config: Config,
  warehouse: Warehouse,
  request: PlanRequest,
  history?: BuildHistory,
): Promise<Planned> {
  const roots = request.roots.length > 0 ? request.roots : config.order;
  const selection = withDependencies(roots, (name) => config.targets.get(name)?.deps.map((d) => d.target) ?? []);
  const deepest = Math.max(0, ...reachBack(config, selection).values());
  // One calendar and one coverage read for the widest window any target needs.
  const read = { start: planningStart(request.range, request.floor, deepest), end: request.range.end };
  const calendar = await resolveCalendar(config.calendar, read, warehouse);
  const targets = config.order.filter((n) => selection.has(n)).map((n) => config.targets.get(n)!);
  const presenceOnly = request.presenceOnly === true || config.freshness === 'presence';
  const coverage = await readCoverage(targets, read, calendar, warehouse, config.dir, !presenceOnly);
  const built = presenceOnly ? new Map<string, Map<IsoDate, number>>() : latest(coverage.times, history?.buildTimes([...selection]));
  const shards = autoShards(targets, request, calendar, config.concurrency, history);
  return {
    calendar,
    built,
    thin: coverage.thin,
    shards,
    plan: plan({
      config,
      selection,
      range: request.range,
      floor: request.floor,
      calendar,
      present: coverage.present,
      failing: new Map([...coverage.thin].map(([name, dates]) => [name, new Set(dates.keys())])),
      force: request.force,
      built,
      presenceOnly,
      shards,
    }),
  };
}

/** Step sizes for `shard: 'auto'` targets, from their past attempts. */
function autoShards(
  targets: readonly Target[],
  request: PlanRequest,
  calendar: readonly IsoDate[],
  configured: number,
  history: BuildHistory | undefined,
): Map<string, number> {
  const shards = new Map<string, number>();
  const global = request.concurrency ?? configured;
  for (const t of targets) {
    if (t.shard !== 'auto') continue;
    const dates = calendar.filter((d) => d >= request.range.start && d <= request.range.end && !t.isExcluded(d)).length;
    shards.set(t.name, autoShard(estimate(history?.timings(t.name) ?? []), dates, Math.min(t.concurrency ?? global, global)));
  }
  return shards;
}

/** Per target and date, the latest of the times any source knows. */
function latest(...sources: (ReadonlyMap<string, ReadonlyMap<IsoDate, number>> | undefined)[]): Map<string, Map<IsoDate, number>> {
  const times = new Map<string, Map<IsoDate, number>>();
  for (const source of sources) {
    for (const [target, dates] of source ?? []) {
      let mine = times.get(target);
      if (!mine) times.set(target, (mine = new Map()));
      for (const [date, ms] of dates) if (ms > (mine.get(date) ?? -Infinity)) mine.set(date, ms);
    }
  }
  return times;
}
