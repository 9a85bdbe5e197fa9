// @ts-check
/** Phase 5c: scoring_tier_adjustments, points to add to the ensemble's predictions per scoring tier. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'scoring_tier_adjustments',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', scoring_tier: 'TEXT NOT NULL', system_id: 'TEXT NOT NULL', sample_size: 'INTEGER NOT NULL',
    window_bias: 'REAL NOT NULL', window_hit_rate: 'REAL', day_bias: 'REAL NOT NULL', adjustment: 'REAL NOT NULL',
  },
  key: ['game_date', 'scoring_tier', 'system_id'],
};

/** Predictions a tier needs before half its measured bias is trusted. */
const HALF_TRUST = 100;
/** No tier is ever moved by more than this many points. */
const MAX_ADJUSTMENT = 3;

const job = startJob('sta', { skipBootstrap: true });
requireInputs(job, [['prediction_performance_summary', 'game_date'], ['system_daily_performance', 'game_date']]);
// Bias is actual minus predicted, so adding the shrunk bias corrects a tier the ensemble misjudges.
finish(job, writeQuery(job, SPEC, `
  SELECT s.game_date, s.scoring_tier, s.system_id, s.predictions AS sample_size, s.bias AS window_bias,
    s.hit_rate AS window_hit_rate, d.bias AS day_bias,
    MAX(-@cap, MIN(@cap, s.bias * s.predictions / (s.predictions + @halfTrust))) AS adjustment
  FROM prediction_performance_summary s
  JOIN system_daily_performance d ON d.game_date = s.game_date AND d.system_id = s.system_id
  WHERE s.game_date IN (SELECT d FROM job_dates) AND s.system_id = 'ensemble' AND s.scoring_tier <> 'all'`,
  { cap: MAX_ADJUSTMENT, halfTrust: HALF_TRUST }));
