/**
 * What a step of a target costs, from its past attempts: a start-up time plus a time per date,
 * fitted by least squares over (dates, duration) pairs. Feeds critical-path priorities and
 * `shard: 'auto'`. Pure: the ledger's figures come in as plain values.
 */

export interface Timing {
  readonly dates: number;
  readonly ms: number;
}

export interface Estimate {
  readonly startupMs: number;
  readonly perDateMs: number;
  /**
   * False when the history cannot tell start-up from time per date (every step had the same
   * size, or noise tilted the line down): all of it is then counted per date, which is right
   * for a step's weight but says nothing about what step size would be cheap.
   */
  readonly startupKnown: boolean;
}

/** Steps of this many dates when `shard: 'auto'` has no history to go by. */
export const DEFAULT_AUTO_SHARD = 30;
/** Start-up should be at most this share of a step. */
const STARTUP_SHARE = 0.05;

/**
 * The fit, or undefined without history. With a single step size, start-up cannot be told from
 * the time per date: all of it is taken as per-date time.
 */
export function estimate(timings: readonly Timing[]): Estimate | undefined {
  const usable = timings.filter((t) => t.dates > 0 && t.ms >= 0);
  if (usable.length === 0) return undefined;
  const n = usable.length;
  const mx = usable.reduce((s, t) => s + t.dates, 0) / n;
  const my = usable.reduce((s, t) => s + t.ms, 0) / n;
  const sxx = usable.reduce((s, t) => s + (t.dates - mx) ** 2, 0);
  if (sxx === 0) return { startupMs: 0, perDateMs: my / mx, startupKnown: false };
  const slope = usable.reduce((s, t) => s + (t.dates - mx) * (t.ms - my), 0) / sxx;
  // Noise can tilt the line below zero at either end; neither cost can be negative.
  const perDateMs = Math.max(slope, 0);
  const startupMs = Math.max(my - perDateMs * mx, 0);
  return perDateMs === 0 ? { startupMs: 0, perDateMs: my / mx, startupKnown: false } : { startupMs, perDateMs, startupKnown: true };
}

/**
 * Dates per step for `shard: 'auto'`: enough that start-up is about 5% of a step, but no more
 * than leaves `2 × concurrency` steps in the range, so the range can still run in parallel.
 * Without history, or one that cannot tell start-up apart, `DEFAULT_AUTO_SHARD` within that bound.
 */
export function autoShard(fit: Estimate | undefined, datesInRange: number, concurrency: number): number {
  const cap = Math.max(1, Math.floor(datesInRange / (2 * concurrency)));
  // Without a start-up to go by, 1-date steps would look free: keep to the default until the
  // history holds two step sizes (the default's steps and the range's last, shorter one do).
  if (!fit?.startupKnown) return Math.min(DEFAULT_AUTO_SHARD, cap);
  const wanted = fit.perDateMs === 0 ? cap : Math.ceil((fit.startupMs * (1 - STARTUP_SHARE)) / (STARTUP_SHARE * fit.perDateMs));
  return Math.max(1, Math.min(wanted, cap));
}
