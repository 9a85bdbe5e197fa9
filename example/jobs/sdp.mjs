// @ts-check
/** Phase 5b: system_daily_performance, each system's record on one date. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'system_daily_performance',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', system_id: 'TEXT NOT NULL', predictions: 'INTEGER NOT NULL',
    recommendations: 'INTEGER NOT NULL', hits: 'INTEGER NOT NULL', hit_rate: 'REAL', mae: 'REAL NOT NULL',
    bias: 'REAL NOT NULL',
  },
  key: ['game_date', 'system_id'],
};

const job = startJob('sdp', { skipBootstrap: true });
requireInputs(job, [['prediction_accuracy', 'game_date']]);
// Recommendations are the graded picks (is_hit not NULL); a day of passes has no hit rate.
finish(job, writeQuery(job, SPEC, `
  SELECT game_date, system_id, COUNT(*) AS predictions, COUNT(is_hit) AS recommendations,
    COALESCE(SUM(is_hit), 0) AS hits, 1.0 * SUM(is_hit) / NULLIF(COUNT(is_hit), 0) AS hit_rate,
    AVG(absolute_error) AS mae, AVG(signed_error) AS bias
  FROM prediction_accuracy WHERE game_date IN (SELECT d FROM job_dates)
  GROUP BY game_date, system_id`));
