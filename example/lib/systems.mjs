// @ts-check
/**
 * The five prediction systems. Two are formulas over tonight's features (SQL, in predictions.mjs);
 * two learn from the graded rows of the last LOOKBACK_DAYS (here, in JavaScript); the ensemble
 * averages the four. None ever sees tonight's points.
 */

/** System ids, in output order. */
export const SYSTEMS = Object.freeze(['moving_average', 'zone_matchup', 'similarity', 'regression', 'ensemble']);

/** Recent form, newest games weighted most; `f` is the feature row's SQL alias. */
export const MOVING_AVERAGE_SQL = (/** @type {string} */ f) => `0.5 * ${f}.points_avg_last_5 + 0.3 * ${f}.points_avg_last_10 + 0.2 * ${f}.points_avg_30d`;

/** Season form scaled by tonight's matchup, pace and rest. */
export const ZONE_MATCHUP_SQL = (/** @type {string} */ f) => `${f}.points_avg_30d * ${f}.composite_factor`;

/**
 * @typedef {object} Night  one player's feature row, with the points scored once graded
 * @property {string} game_date
 * @property {number} player_id
 * @property {number} points_avg_last_5
 * @property {number} points_avg_last_10
 * @property {number} points_avg_30d
 * @property {number} composite_factor
 * @property {number} zone_matchup_factor
 * @property {number} pace_factor
 * @property {number} is_home
 * @property {number} days_rest
 * @property {number} back_to_back
 * @property {number | null} actual_points
 */

/** Graded rows a regression needs before it is trusted over the moving average. */
const MIN_TRAINING_ROWS = 60;
/** Past nights of the same player that the similarity system averages. */
const NEIGHBOURS = 3;

/** Regression inputs: intercept, form, and form scaled by tonight's matchup, venue, rest. */
const regressors = (/** @type {Night} */ f) => [1, f.points_avg_last_5, f.points_avg_last_10, f.points_avg_30d * f.composite_factor, f.is_home, f.back_to_back];
const K = 6;

/**
 * Normal-equation sums of one day's graded rows; a window's sums are the sum of its days', so
 * each row is added once however many windows it falls in.
 * @param {Night[]} nights
 */
export function daySums(nights) {
  const xtx = new Float64Array(K * K);
  const xty = new Float64Array(K);
  let n = 0;
  for (const night of nights) {
    if (night.actual_points === null) continue;
    const x = regressors(night);
    n++;
    for (let i = 0; i < K; i++) {
      xty[i] = (xty[i] ?? 0) + (x[i] ?? 0) * night.actual_points;
      for (let j = 0; j < K; j++) xtx[i * K + j] = (xtx[i * K + j] ?? 0) + (x[i] ?? 0) * (x[j] ?? 0);
    }
  }
  return { xtx, xty, n };
}

/**
 * Ridge least-squares coefficients from summed day sums, or undefined with too few rows.
 * @param {ReturnType<typeof daySums>[]} days
 */
export function fitRegression(days) {
  const a = new Float64Array(K * (K + 1));
  let n = 0;
  for (const day of days) {
    n += day.n;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) a[i * (K + 1) + j] = (a[i * (K + 1) + j] ?? 0) + (day.xtx[i * K + j] ?? 0);
      a[i * (K + 1) + K] = (a[i * (K + 1) + K] ?? 0) + (day.xty[i] ?? 0);
    }
  }
  if (n < MIN_TRAINING_ROWS) return undefined;
  // A light ridge keeps the solve stable when a regressor (back-to-back, say) barely varies.
  for (let i = 1; i < K; i++) a[i * (K + 1) + i] = (a[i * (K + 1) + i] ?? 0) + 1e-3 * n;
  const at = (/** @type {number} */ r, /** @type {number} */ c) => a[r * (K + 1) + c] ?? 0;
  for (let col = 0; col < K; col++) {
    for (let r = 0; r < K; r++) {
      if (r === col || at(col, col) === 0) continue;
      const k = at(r, col) / at(col, col);
      for (let c = col; c <= K; c++) a[r * (K + 1) + c] = at(r, c) - k * at(col, c);
    }
  }
  return Array.from({ length: K }, (_, i) => at(i, K) / (at(i, i) || 1));
}

/** The regression's points for tonight (never below zero). */
export function regressionPredict(/** @type {number[]} */ coefficients, /** @type {Night} */ tonight) {
  const x = regressors(tonight);
  return Math.max(0, coefficients.reduce((sum, c, i) => sum + c * (x[i] ?? 0), 0));
}

/** Distance between two nights of one player: matchup, pace, venue and rest. */
function distance(/** @type {Night} */ a, /** @type {Night} */ b) {
  return Math.hypot(
    (a.zone_matchup_factor - b.zone_matchup_factor) * 10,
    (a.pace_factor - b.pace_factor) * 10,
    a.is_home - b.is_home,
    (Math.min(a.days_rest, 3) - Math.min(b.days_rest, 3)) / 2,
  );
}

/** Mean points in the player's most similar graded nights, or undefined without enough of them. */
export function similarityPredict(/** @type {Night} */ tonight, /** @type {Night[]} */ ownHistory) {
  const graded = ownHistory.filter((h) => h.actual_points !== null);
  if (graded.length < NEIGHBOURS) return undefined;
  const nearest = graded.map((h) => ({ h, d: distance(tonight, h) })).sort((x, y) => x.d - y.d).slice(0, NEIGHBOURS);
  return nearest.reduce((sum, { h }) => sum + (h.actual_points ?? 0), 0) / NEIGHBOURS;
}
