// @ts-check
/** Phase 5b: prediction_performance_summary, each system's trailing record by scoring tier. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';
import { LOOKBACK_DAYS } from '../lib/windows.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'prediction_performance_summary',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', system_id: 'TEXT NOT NULL', scoring_tier: 'TEXT NOT NULL', window_days: 'INTEGER NOT NULL',
    predictions: 'INTEGER NOT NULL', recommendations: 'INTEGER NOT NULL', hits: 'INTEGER NOT NULL', hit_rate: 'REAL',
    mae: 'REAL NOT NULL', bias: 'REAL NOT NULL',
  },
  key: ['game_date', 'system_id', 'scoring_tier'],
};

const job = startJob('pps', { skipBootstrap: true });
requireInputs(job, [['prediction_accuracy', 'game_date']]);
// The window ends on the date itself: the summary is the record as of that night's games.
// Per-day totals first, so each date sums ~30 small rows instead of re-reading every grade.
finish(job, writeQuery(job, SPEC, `
  WITH daily AS MATERIALIZED (
    SELECT game_date, system_id, scoring_tier, COUNT(*) AS n, COUNT(is_hit) AS graded,
      COALESCE(SUM(is_hit), 0) AS hits, SUM(absolute_error) AS abs_error, SUM(signed_error) AS error
    FROM prediction_accuracy WHERE game_date BETWEEN date(@start, '-${LOOKBACK_DAYS} days') AND @end
    GROUP BY game_date, system_id, scoring_tier
  ), tiers AS MATERIALIZED (
    SELECT * FROM daily
    UNION ALL
    SELECT game_date, system_id, 'all', SUM(n), SUM(graded), SUM(hits), SUM(abs_error), SUM(error)
    FROM daily GROUP BY game_date, system_id
  )
  SELECT j.d AS game_date, t.system_id, t.scoring_tier, ${LOOKBACK_DAYS} AS window_days, SUM(t.n) AS predictions,
    SUM(t.graded) AS recommendations, SUM(t.hits) AS hits, 1.0 * SUM(t.hits) / NULLIF(SUM(t.graded), 0) AS hit_rate,
    SUM(t.abs_error) / SUM(t.n) AS mae, SUM(t.error) / SUM(t.n) AS bias
  FROM job_dates j JOIN tiers t ON t.game_date BETWEEN date(j.d, '-${LOOKBACK_DAYS} days') AND j.d
  GROUP BY j.d, t.system_id, t.scoring_tier`, { start: job.start, end: job.end }));
