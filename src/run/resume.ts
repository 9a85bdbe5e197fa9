/**
 * What a run left undone, as the options of the command that finishes it. A plain re-run
 * rebuilds what is missing, but not dates that were present before the run and pending only
 * because they were forced or read a forced date: those must be forced again.
 */
import type { IsoDate } from '../config/types.js';
import type { Plan } from '../plan/plan.js';
import type { StepOutcome } from './events.js';

export interface Unfinished {
  /** Targets with unfinished dates that were present before the run: they must be forced again. */
  readonly force: readonly string[];
  /** The first unfinished date of any target: nothing before it is left to do. */
  readonly from: IsoDate;
  /** The last unfinished date of any target: nothing after it is left to do. */
  readonly to: IsoDate;
}

/** Undefined when every step succeeded. */
export function unfinished(plan: Plan, outcomes: ReadonlyMap<string, StepOutcome>): Unfinished | undefined {
  let from: IsoDate | undefined;
  let to: IsoDate | undefined;
  const force = new Set<string>();
  // Thin dates too: a plain re-run finds them still thin and builds them again.
  const missingBefore = new Map(plan.targets.map((t) => [t.name, new Set([...t.missing, ...t.thin])]));
  for (const step of plan.steps) {
    for (const piece of outcomes.get(step.id)?.pieces ?? [{ kind: 'not-started' as const, step }]) {
      if (piece.kind === 'built') continue;
      if (from === undefined || piece.step.start < from) from = piece.step.start;
      if (to === undefined || piece.step.end > to) to = piece.step.end;
      const missing = missingBefore.get(step.target);
      if (piece.step.dates.some((d) => !missing?.has(d))) force.add(step.target);
    }
  }
  if (from === undefined || to === undefined) return undefined;
  return { force: plan.targets.map((t) => t.name).filter((n) => force.has(n)), from, to };
}
