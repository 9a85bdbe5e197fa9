/**
 * The planner: config, selection, calendar and coverage in, steps out. Pure — no warehouse,
 * disk or clock — so every rule here is unit-tested with plain values.
 */
import type { Config, Range, Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { addDays, lowerBound } from '../util/dates.js';
import { expandArgv } from './argv.js';

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
  /** Targets to rebuild in full even where present. */
  readonly force: ReadonlySet<string>;
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

export interface TargetPlan {
  readonly name: string;
  readonly label: string;
  readonly expected: readonly IsoDate[];
  /** Expected dates present in the output before the run. */
  readonly present: number;
  readonly missing: readonly IsoDate[];
  readonly forced: boolean;
  /** Present dates made pending by a pending upstream date, per upstream target. */
  readonly after: readonly { readonly target: string; readonly count: number }[];
  readonly pending: readonly IsoDate[];
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
  if (floor === undefined || days === 0) return range.start;
  const back = addDays(range.start, -days);
  const limit = floor < range.start ? floor : range.start;
  return back > limit ? back : limit;
}

/** A step's id, `target:start_end`; `parseStepId` reads it back. */
export const stepId = (target: string, start: IsoDate, end: IsoDate): string => `${target}:${start}_${end}`;

/** The target and dates a step id names. */
export function parseStepId(id: string): { target: string; start: IsoDate; end: IsoDate } {
  const match = /^(.*):(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(id);
  if (!match) throw new Error(`Internal error: not a step id: ${id}`);
  return { target: match[1] as string, start: match[2] as IsoDate, end: match[3] as IsoDate };
}

/** Works out what is pending and the steps that build it. */
export function plan(input: PlanInput): Plan {
  const { config, calendar } = input;
  const position = new Map(calendar.map((d, i) => [d, i]));
  const reach = reachBack(config, input.selection);
  const byName = new Map<string, TargetPlan>();
  const targets: TargetPlan[] = [];
  for (const name of config.order) {
    if (!input.selection.has(name)) continue;
    const target = config.targets.get(name);
    if (!target) throw new Error(`Internal error: no target ${name}`);
    const from = planningStart(input.range, input.floor, reach.get(name) ?? 0);
    const planned = planTarget(target, input, from, byName, position);
    byName.set(name, planned);
    targets.push(planned);
  }
  return { range: input.range, targets, steps: targets.flatMap((t) => t.steps) };
}

function planTarget(
  target: Target,
  input: PlanInput,
  from: IsoDate,
  upstream: ReadonlyMap<string, TargetPlan>,
  position: ReadonlyMap<IsoDate, number>,
): TargetPlan {
  const expected = input.calendar.filter((d) => d >= from && d <= input.range.end && !target.isExcluded(d));
  const present = input.present.get(target.name) ?? new Set<IsoDate>();
  const missing = expected.filter((d) => !present.has(d));
  const forced = input.force.has(target.name);
  const pending = new Set<IsoDate>(missing);
  // --force covers the asked range only: history a lookback reads before --from is built
  // where missing, never rebuilt (that would re-pull sources nobody asked to re-pull).
  if (forced) for (const d of expected) if (d >= input.range.start) pending.add(d);

  // Make semantics: a date built on an upstream date that is about to change is stale.
  const after: { target: string; count: number }[] = [];
  for (const dep of target.deps) {
    const up = upstream.get(dep.target);
    if (!up || up.pending.length === 0) continue;
    let count = 0;
    for (const date of expected) {
      if (pending.has(date)) continue;
      if (firstWithin(up.pending, addDays(date, -dep.lookback), date) !== undefined) {
        pending.add(date);
        count++;
      }
    }
    if (count > 0) after.push({ target: dep.target, count });
  }

  const sorted = [...pending].sort();
  const steps = cutSteps(target, sorted, position).map((dates): Step => {
    const start = dates[0] as IsoDate;
    const end = dates[dates.length - 1] as IsoDate;
    return {
      id: stepId(target.name, start, end),
      target: target.name,
      start,
      end,
      dates,
      action:
        target.action.kind === 'command'
          ? { kind: 'command', argv: expandArgv(target.action.run, { start, end, target: target.name, table: target.label }) }
          : target.action,
      needs: neededSteps(target, start, end, upstream),
    };
  });
  return {
    name: target.name,
    label: target.label,
    expected,
    present: expected.length - missing.length,
    missing,
    forced,
    after,
    pending: sorted,
    steps,
  };
}

/** Runs of consecutive calendar dates, at most `shard` long. */
function cutSteps(target: Target, pending: readonly IsoDate[], position: ReadonlyMap<IsoDate, number>): IsoDate[][] {
  const steps: IsoDate[][] = [];
  let current: IsoDate[] = [];
  let previous = -2;
  for (const date of pending) {
    const at = position.get(date) ?? -2;
    if (current.length > 0 && (at !== previous + 1 || current.length >= target.shard)) {
      steps.push(current);
      current = [];
    }
    current.push(date);
    previous = at;
  }
  if (current.length > 0) steps.push(current);
  return steps;
}

/** The upstream steps holding a date this step reads: [start - lookback, end] per dependency. */
function neededSteps(target: Target, start: IsoDate, end: IsoDate, upstream: ReadonlyMap<string, TargetPlan>): string[] {
  const needs: string[] = [];
  for (const dep of target.deps) {
    const from = addDays(start, -dep.lookback);
    for (const step of upstream.get(dep.target)?.steps ?? []) {
      if (step.end < from || step.start > end) continue;
      if (firstWithin(step.dates, from, end) !== undefined) needs.push(step.id);
    }
  }
  return needs;
}

/** The first of sorted `dates` within [from, to], if any. */
function firstWithin(dates: readonly IsoDate[], from: IsoDate, to: IsoDate): IsoDate | undefined {
  const found = dates[lowerBound(dates, from)];
  return found !== undefined && found <= to ? found : undefined;
}
