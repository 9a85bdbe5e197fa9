/**
 * What a target's steps cost while a run goes on: the fit to earlier runs (estimate.ts, the
 * same one critical-path priorities use) blended with the fit to this run's own finished steps.
 * Pure; used for the ETA.
 */
import { estimate, type Estimate, type Timing } from './estimate.js';

/** How many of this run's own steps weigh as much as the whole history. */
const HISTORY_WEIGHT = 3;

/** What a target's step costs: a start-up plus time per date (whether the fit could tell them apart does not matter here). */
export type Cost = Pick<Estimate, 'startupMs' | 'perDateMs'>;

/** What a step of `dates` dates takes at `cost`. */
export const stepCost = (cost: Cost, dates: number): number => cost.startupMs + cost.perDateMs * dates;

const costOf = (fit: Cost): Cost => ({ startupMs: fit.startupMs, perDateMs: fit.perDateMs });

/**
 * History blended with this run: the run's own steps count for more as they accumulate
 * (`n / (n + 3)` after n of them), so a machine that is slower today takes over the estimate
 * within a few steps, while before any step ends history alone gives one.
 */
export function blendCost(history: Cost | undefined, current: readonly Timing[]): Cost | undefined {
  const now = estimate(current);
  if (!now) return history && costOf(history);
  if (!history) return costOf(now);
  const n = current.filter((s) => s.dates > 0).length;
  const w = n / (n + HISTORY_WEIGHT);
  return {
    startupMs: (1 - w) * history.startupMs + w * now.startupMs,
    perDateMs: (1 - w) * history.perDateMs + w * now.perDateMs,
  };
}
