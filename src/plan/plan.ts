/**
 * The planner: config, selection, calendar, coverage and build times in, steps out. Pure — no
 * warehouse, disk or clock — so every rule here is unit-tested with plain values.
 *
 * A date of a target is pending when it is missing, fails a data check (thin), forced, stale (an
 * input it reads was built after it), or reads a pending upstream date (Make's rule, carried down
 * the graph).
 */
import type { Config, Range, Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { addDays, lowerBound } from '../util/dates.js';
import { dayNumbers } from './days.js';
import { DEFAULT_AUTO_SHARD } from './estimate.js';
import { cutRuns, stepFor, stepsHolding } from './steps.js';

export { parseStepId, stepFor, stepId } from './steps.js';

export interface PlanInput {
  readonly config: Pick<Config, 'targets' | 'order'>;
  /** Targets to consider; closed under dependencies (see `withDependencies`). */
  readonly selection: ReadonlySet<string>;
  /** The dates asked for. */
  readonly range: Range;
  /**
   * How far back prerequisites may be planned: with `--from` later than the config's start, a
   * lookback dependency reads upstream dates before `--from`, and those are built too — but
   * never before this date (the config's range start), where history may not exist at all.
   * Undefined: plan the range only.
   */
  readonly floor?: IsoDate;
  /** Calendar dates from `planningStart(...)` to the range's end, sorted. */
  readonly calendar: readonly IsoDate[];
  /** Dates present in each selected target's output. */
  readonly present: ReadonlyMap<string, ReadonlySet<IsoDate>>;
  /** Present dates that fail their target's data checks (`minRows`, `check`): not done. */
  readonly failing?: ReadonlyMap<string, ReadonlySet<IsoDate>>;
  /** Targets to rebuild in full (within the range) even where present. */
  readonly force: ReadonlySet<string>;
  /** When each present date was last built (ms since the epoch), where any source knows. */
  readonly built?: ReadonlyMap<string, ReadonlyMap<IsoDate, number>>;
  /** Plan from presence alone: nothing is stale (`--no-stale`, `freshness: 'presence'`). */
  readonly presenceOnly?: boolean;
  /** Dates per step chosen for `shard: 'auto'` targets (see estimate.ts). */
  readonly shards?: ReadonlyMap<string, number>;
}

export interface Step {
  /** `target:start_end`: unique within a plan. */
  readonly id: string;
  readonly target: string;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** The pending dates this step builds: consecutive calendar dates from start to end. */
  readonly dates: readonly IsoDate[];
  /** What the step does: the expanded command, or the target's SELECT. */
  readonly action: StepAction;
  /** Ids of the upstream steps whose dates this step reads. */
  readonly needs: readonly string[];
}

export type StepAction =
  | { readonly kind: 'command'; readonly argv: readonly string[] }
  | { readonly kind: 'sql'; readonly sql: string };

/**
 * Why a date is pending, most direct first: a date both stale and downstream of a pending one is
 * stale; `check`: present, but it fails a data check (too few rows, or the target's check query).
 */
export type PendingReason = 'missing' | 'check' | 'forced' | 'stale' | 'upstream';

export interface TargetPlan {
  readonly name: string;
  readonly label: string;
  readonly expected: readonly IsoDate[];
  /** Expected dates present in the output before the run and passing its data checks. */
  readonly present: number;
  readonly missing: readonly IsoDate[];
  /** Expected dates present but failing a data check. */
  readonly thin: readonly IsoDate[];
  readonly forced: boolean;
  /** Present dates made pending by a pending upstream date, per upstream target. */
  readonly after: readonly { readonly target: string; readonly count: number }[];
  readonly pending: readonly IsoDate[];
  /** Why each pending date is pending, index-aligned with `pending`. */
  readonly reasons: readonly PendingReason[];
  readonly steps: readonly Step[];
}

export interface Plan {
  readonly range: Range;
  /** Selected targets, dependencies first. */
  readonly targets: readonly TargetPlan[];
  /** Every step, in target order then date order. */
  readonly steps: readonly Step[];
}

/**
 * Days before the range start that each selected target must cover so that its dependents'
 * lookbacks at the range start are built too: 0 for what nothing selected reads back from.
 */
export function reachBack(config: Pick<Config, 'targets' | 'order'>, selection: ReadonlySet<string>): Map<string, number> {
  const reach = new Map<string, number>();
  // Dependents come after their dependencies in `order`, so walk it backwards.
  for (const name of [...config.order].reverse()) {
    if (!selection.has(name)) continue;
    const own = reach.get(name) ?? 0;
    reach.set(name, own);
    for (const dep of config.targets.get(name)?.deps ?? []) {
      reach.set(dep.target, Math.max(reach.get(dep.target) ?? 0, own + dep.lookback));
    }
  }
  return reach;
}

/** The first date a target reaching `days` back is planned for. */
export function planningStart(range: Range, floor: IsoDate | undefined, days: number): IsoDate {
  if (floor === undefined) return range.start;
  const back = addDays(range.start, -days);
  const limit = floor < range.start ? floor : range.start;
  return back > limit ? back : limit;
}

/** The calendar as the planner walks it: dates, their day numbers, and each date's index. */
interface Days {
  readonly dates: readonly IsoDate[];
  readonly day: Int32Array;
  readonly position: ReadonlyMap<IsoDate, number>;
}

const MISSING = 1;
const FORCED = 2;
const STALE = 3;
const UPSTREAM = 4;
const CHECK = 5;
const REASONS: readonly (PendingReason | undefined)[] = [undefined, 'missing', 'forced', 'stale', 'upstream', 'check'];

/** Works out what is pending and the steps that build it. */
export function plan(input: PlanInput): Plan {
  const { config, calendar } = input;
  const days: Days = { dates: calendar, day: dayNumbers(calendar), position: new Map(calendar.map((d, i) => [d, i])) };
  const reach = reachBack(config, input.selection);
  const byName = new Map<string, TargetPlan>();
  const targets: TargetPlan[] = [];
  for (const name of config.order) {
    if (!input.selection.has(name)) continue;
    const target = config.targets.get(name);
    if (!target) throw new Error(`Internal error: no target ${name}`);
    const from = planningStart(input.range, input.floor, reach.get(name) ?? 0);
    const planned = planTarget(target, input, from, byName, days);
    byName.set(name, planned);
    targets.push(planned);
  }
  return { range: input.range, targets, steps: targets.flatMap((t) => t.steps) };
}

function planTarget(target: Target, input: PlanInput, from: IsoDate, upstream: ReadonlyMap<string, TargetPlan>, days: Days): TargetPlan {
  const { dates, day } = days;
  const last = lowerBound(dates, addDays(input.range.end, 1));
  // Calendar indexes of the expected dates.
  const expected: number[] = [];
  for (let i = lowerBound(dates, from); i < last; i++) if (!target.isExcluded(dates[i] as IsoDate)) expected.push(i);

  const present = input.present.get(target.name) ?? new Set<IsoDate>();
  const failing = input.failing?.get(target.name);
  const reason = new Uint8Array(expected.length);
  const missing: IsoDate[] = [];
  const thin: IsoDate[] = [];
  const forced = input.force.has(target.name);
  expected.forEach((i, k) => {
    const date = dates[i] as IsoDate;
    if (!present.has(date)) {
      reason[k] = MISSING;
      missing.push(date);
    } else if (failing?.has(date)) {
      // Not done, like a missing date, wherever it lies (also in history before --from).
      reason[k] = CHECK;
      thin.push(date);
      // --force covers the asked range only: history a lookback reads before --from is built
      // where missing, never rebuilt (that would re-pull sources nobody asked to re-pull).
    } else if (forced && date >= input.range.start) reason[k] = FORCED;
  });

  if (!input.presenceOnly) markStale(target, input, expected, reason, days);

  // Make semantics: a date built on an upstream date that is about to change is stale too.
  const after: { target: string; count: number }[] = [];
  for (const dep of target.deps) {
    const up = upstream.get(dep.target);
    if (!up || up.pending.length === 0) continue;
    const upDays = up.pending.map((d) => day[days.position.get(d) ?? -1] ?? Number.NaN);
    let p = 0;
    let count = 0;
    expected.forEach((i, k) => {
      const today = day[i] as number;
      while (p < upDays.length && (upDays[p] as number) < today - dep.lookback) p++;
      if (reason[k] === 0 && p < upDays.length && (upDays[p] as number) <= today) {
        reason[k] = UPSTREAM;
        count++;
      }
    });
    if (count > 0) after.push({ target: dep.target, count });
  }

  const pending: IsoDate[] = [];
  const reasons: PendingReason[] = [];
  const positions: number[] = [];
  expected.forEach((i, k) => {
    const why = REASONS[reason[k] as number];
    if (why === undefined) return;
    pending.push(dates[i] as IsoDate);
    reasons.push(why);
    positions.push(i);
  });

  const shard = input.shards?.get(target.name) ?? (target.shard === 'auto' ? DEFAULT_AUTO_SHARD : target.shard);
  const steps = cutRuns(positions, shard).map((run) => {
    const stepDates = run.map((i) => dates[i] as IsoDate);
    const start = stepDates[0] as IsoDate;
    const end = stepDates[stepDates.length - 1] as IsoDate;
    const needs = target.deps.flatMap((dep) => stepsHolding(upstream.get(dep.target)?.steps ?? [], addDays(start, -dep.lookback), end));
    return stepFor(target, stepDates, needs);
  });
  return {
    name: target.name,
    label: target.label,
    expected: expected.map((i) => dates[i] as IsoDate),
    present: expected.length - missing.length - thin.length,
    missing,
    thin,
    forced,
    after,
    pending,
    reasons,
    steps,
  };
}

/**
 * Marks present dates stale: some upstream date they read (the same date, or within the
 * lookback) was built after them. A date with no known build time is not stale on that account.
 * The newest upstream time in each lookback window comes from a monotonic queue, so this is
 * linear in the calendar whatever the lookback.
 */
function markStale(target: Target, input: PlanInput, expected: readonly number[], reason: Uint8Array, { dates, day }: Days): void {
  const own = input.built?.get(target.name);
  if (!own || own.size === 0 || expected.length === 0) return;
  for (const dep of target.deps) {
    const times = input.built?.get(dep.target);
    if (!times || times.size === 0) continue;
    // Calendar indexes with a known upstream time, newest time first.
    const queue: number[] = [];
    const queueTime: number[] = [];
    let head = 0;
    let next = lowerBound(dates, addDays(dates[expected[0] as number] as IsoDate, -dep.lookback));
    expected.forEach((i, k) => {
      for (; next <= i; next++) {
        const t = times.get(dates[next] as IsoDate);
        if (t === undefined) continue;
        while (queue.length > head && (queueTime[queueTime.length - 1] as number) <= t) {
          queue.pop();
          queueTime.pop();
        }
        queue.push(next);
        queueTime.push(t);
      }
      const oldest = (day[i] as number) - dep.lookback;
      while (head < queue.length && (day[queue[head] as number] as number) < oldest) head++;
      if (reason[k] !== 0 || head >= queue.length) return;
      const built = own.get(dates[i] as IsoDate);
      if (built !== undefined && (queueTime[head] as number) > built) reason[k] = STALE;
    });
  }
}
