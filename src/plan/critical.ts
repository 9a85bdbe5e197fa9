/**
 * Critical-path priorities: each step's longest remaining path of work to the end of the plan
 * (its own expected duration plus the longest chain of steps that need it). Starting the
 * highest first keeps a long upstream table from starving its consumers, and the reverse.
 */
import type { Estimate } from './estimate.js';
import type { Plan, Step } from './plan.js';

/**
 * A step's expected milliseconds from its target's fit; a target without history gets the
 * average fit of those with one; with no history at all, every step weighs 1.
 */
export function stepWeight(fits: ReadonlyMap<string, Estimate | undefined>): (step: Step) => number {
  const known = [...fits.values()].filter((f): f is Estimate => f !== undefined);
  const average =
    known.length === 0
      ? undefined
      : {
          startupMs: known.reduce((s, f) => s + f.startupMs, 0) / known.length,
          perDateMs: known.reduce((s, f) => s + f.perDateMs, 0) / known.length,
        };
  return (step) => {
    const fit = fits.get(step.target) ?? average;
    return fit ? fit.startupMs + fit.perDateMs * step.dates.length : 1;
  };
}

/** Priority per step id, in the units of `weight` (ms, or 1 per step without history). */
export function criticalPath(plan: Plan, weight: (step: Step) => number): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const step of plan.steps) {
    for (const need of step.needs) {
      const list = dependents.get(need);
      if (list) list.push(step.id);
      else dependents.set(need, [step.id]);
    }
  }
  const remaining = new Map<string, number>();
  // Plan order puts every step after the steps it needs; walking it backwards, a step's
  // dependents are done before it.
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const step = plan.steps[i] as Step;
    let longest = 0;
    for (const d of dependents.get(step.id) ?? []) longest = Math.max(longest, remaining.get(d) ?? 0);
    remaining.set(step.id, weight(step) + longest);
  }
  return remaining;
}
