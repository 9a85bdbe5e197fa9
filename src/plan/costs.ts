/**
 * What a target's steps cost while a run goes on: the fit to earlier runs (estimate.ts, the
 * same one critical-path priorities use) blended with the fit to this run's own finished steps.
 * Pure; used for the ETA.
 */
import { estimate, type Estimate, type Timing } from './estimate.js';

/** How many of this run's own steps weigh as much as the whole history. */
const HISTORY_WEIGHT = 3;

/** What a step of `dates` dates takes under `fit`. */
export const stepCost = (fit: Estimate, dates: number): number => fit.startupMs + fit.perDateMs * dates;

/**
 * History blended with this run: the run's own steps count for more as they accumulate
 * (`n / (n + 3)` after n of them), so a machine that is slower today takes over the estimate
 * within a few steps, while before any step ends history alone gives one.
 */
export function blendCost(history: Estimate | undefined, current: readonly Timing[]): Estimate | undefined {
  const now = estimate(current);
  if (!now) return history;
  if (!history) return now;
  const n = current.filter((s) => s.dates > 0).length;
  const w = n / (n + HISTORY_WEIGHT);
  return {
    startupMs: (1 - w) * history.startupMs + w * now.startupMs,
    perDateMs: (1 - w) * history.perDateMs + w * now.perDateMs,
  };
}
