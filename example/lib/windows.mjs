// @ts-check
/**
 * Rolling windows for phase 4 and 5. Each reads its input only from d - LOOKBACK_DAYS to the
 * day before d, so the `lookback` in backfill.config.ts is honest and no feature sees the game.
 */

/** Calendar days of history behind every rolling feature (the config's lookback). */
export const LOOKBACK_DAYS = 30;

/** Attempts of league-average shooting mixed into a thin sample, so five shots are not a trend. */
export const PRIOR_ATTEMPTS = 40;

/** The window's first day, as SQL, for the date expression `d`. */
export const windowStart = (/** @type {string} */ d) => `date(${d}, '-${LOOKBACK_DAYS} days')`;

/** The window's last day: the day before `d`. */
export const windowEnd = (/** @type {string} */ d) => `date(${d}, '-1 day')`;
