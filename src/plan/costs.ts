/**
 * What a target's steps cost: a fixed start-up per step plus work per date, fitted to past
 * attempts (the ledger's `timings`) and to the current run's. Pure; used for the ETA.
 */

/** One finished attempt: how many dates it built and how long it took. */
export interface Sample {
  readonly dates: number;
  readonly ms: number;
}

export interface CostModel {
  readonly perStepMs: number;
  readonly perDateMs: number;
}

/** How many of this run's own steps weigh as much as the whole history. */
const HISTORY_WEIGHT = 3;

/** What a step of `dates` dates takes under `model`. */
export const stepCost = (model: CostModel, dates: number): number => model.perStepMs + model.perDateMs * dates;

/**
 * A least-squares line through (dates, ms). With one step size only there is no telling
 * start-up from work, and a fit that comes out negative is noise: both fall back to the
 * average milliseconds per date.
 */
export function fitCost(samples: readonly Sample[]): CostModel | undefined {
  const usable = samples.filter((s) => s.dates > 0 && s.ms >= 0 && Number.isFinite(s.ms));
  if (usable.length === 0) return undefined;
  const n = usable.length;
  let sumX = 0;
  let sumY = 0;
  for (const s of usable) {
    sumX += s.dates;
    sumY += s.ms;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sxx = 0;
  let sxy = 0;
  for (const s of usable) {
    sxx += (s.dates - meanX) ** 2;
    sxy += (s.dates - meanX) * (s.ms - meanY);
  }
  const average: CostModel = { perStepMs: 0, perDateMs: sumY / sumX };
  if (sxx === 0) return average;
  const perDateMs = sxy / sxx;
  const perStepMs = meanY - perDateMs * meanX;
  if (perDateMs < 0) return { perStepMs: meanY, perDateMs: 0 };
  if (perStepMs < 0) return average;
  return { perStepMs, perDateMs };
}

/**
 * History blended with this run: the run's own steps count for more as they accumulate
 * (`n / (n + 3)` after n of them), so a machine that is slower today takes over the estimate
 * within a few steps, while before any step ends history alone gives one.
 */
export function blendCost(history: CostModel | undefined, current: readonly Sample[]): CostModel | undefined {
  const now = fitCost(current);
  if (!now) return history;
  if (!history) return now;
  const n = current.filter((s) => s.dates > 0).length;
  const w = n / (n + HISTORY_WEIGHT);
  return {
    perStepMs: (1 - w) * history.perStepMs + w * now.perStepMs,
    perDateMs: (1 - w) * history.perDateMs + w * now.perDateMs,
  };
}
