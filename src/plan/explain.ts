/**
 * Why a date of a target is pending (or not), down to the root cause: `bftask why`. Pure, like
 * the planner it reads: the plan and the inputs it was made from.
 */
import type { IsoDate } from '../config/types.js';
import type { Shortfall } from '../outputs/checks.js';
import { addDays, lowerBound } from '../util/dates.js';
import type { PendingReason, Plan, PlanInput, TargetPlan } from './plan.js';

export interface DateRef {
  readonly target: string;
  readonly date: IsoDate;
}

export type Explanation =
  | (DateRef & { readonly status: 'pending'; readonly reason: 'missing' | 'forced' })
  /** Present, but it fails a data check: too few rows, or the target's check query returns it. */
  | (DateRef & { readonly status: 'pending'; readonly reason: 'check'; readonly shortfall: Shortfall })
  /** An input it reads (`input`) was built after it. */
  | (DateRef & { readonly status: 'pending'; readonly reason: 'stale'; readonly built: number; readonly input: DateRef & { readonly built: number } })
  /** It reads `input`, which is pending for the reason `because` gives. */
  | (DateRef & { readonly status: 'pending'; readonly reason: 'upstream'; readonly input: DateRef; readonly because: Explanation })
  /** Present, and built after every input it reads, or its build time is not known. */
  | (DateRef & { readonly status: 'up-to-date'; readonly built: number | undefined })
  | (DateRef & { readonly status: 'excluded' });

/**
 * Explains `date` of `target`, which the plan must hold as expected, pending or excluded. `thin`
 * says how each failing date fails its checks.
 */
export function explain(
  input: Pick<PlanInput, 'config' | 'built'> & { readonly thin?: ReadonlyMap<string, ReadonlyMap<IsoDate, Shortfall>> },
  plan: Plan,
  target: string,
  date: IsoDate,
): Explanation {
  const byName = new Map(plan.targets.map((t) => [t.name, t]));
  const walk = (name: string, day: IsoDate): Explanation => {
    const t = byName.get(name);
    const config = input.config.targets.get(name);
    if (!t || !config) throw new Error(`Internal error: ${name} is not in the plan`);
    const at = indexOf(t.pending, day);
    const built = input.built?.get(name)?.get(day);
    if (at < 0) {
      if (config.isExcluded(day)) return { target: name, date: day, status: 'excluded' };
      return { target: name, date: day, status: 'up-to-date', built };
    }
    const reason = t.reasons[at] as PendingReason;
    if (reason === 'missing' || reason === 'forced') return { target: name, date: day, status: 'pending', reason };
    if (reason === 'check') {
      const shortfall = input.thin?.get(name)?.get(day);
      if (!shortfall) throw new Error(`Internal error: ${name} ${day} fails a check nobody reported`);
      return { target: name, date: day, status: 'pending', reason, shortfall };
    }
    if (reason === 'stale') {
      let newest: (DateRef & { built: number }) | undefined;
      for (const dep of config.deps) {
        const times = input.built?.get(dep.target);
        for (let d = addDays(day, -dep.lookback); d <= day; d = addDays(d, 1)) {
          const t2 = times?.get(d);
          if (t2 !== undefined && (!newest || t2 > newest.built)) newest = { target: dep.target, date: d, built: t2 };
        }
      }
      if (!newest || built === undefined) throw new Error(`Internal error: ${name} ${day} is stale without a newer input`);
      return { target: name, date: day, status: 'pending', reason, built, input: newest };
    }
    // Upstream: the same date when it is pending, else the latest pending date it reads.
    for (const dep of config.deps) {
      const up = byName.get(dep.target) as TargetPlan;
      const from = addDays(day, -dep.lookback);
      const last = up.pending[lowerBound(up.pending, addDays(day, 1)) - 1];
      if (last !== undefined && last >= from) {
        return { target: name, date: day, status: 'pending', reason, input: { target: dep.target, date: last }, because: walk(dep.target, last) };
      }
    }
    throw new Error(`Internal error: ${name} ${day} is pending after no pending input`);
  };
  return walk(target, date);
}

function indexOf(sorted: readonly IsoDate[], date: IsoDate): number {
  const at = lowerBound(sorted, date);
  return sorted[at] === date ? at : -1;
}
