// @ts-check
/** Phase 5b: prediction_accuracy, every prediction graded against the points actually scored. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'prediction_accuracy',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', system_id: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    player_name: 'TEXT NOT NULL', team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', scoring_tier: 'TEXT NOT NULL',
    predicted_points: 'REAL NOT NULL', points_line: 'REAL NOT NULL', actual_points: 'INTEGER NOT NULL',
    signed_error: 'REAL NOT NULL', absolute_error: 'REAL NOT NULL', actual_result: 'TEXT NOT NULL',
    recommendation: 'TEXT NOT NULL', is_hit: 'INTEGER',
  },
  key: ['game_date', 'player_id', 'system_id'],
};

const job = startJob('grading', { skipBootstrap: true });
requireInputs(job, [['player_prop_predictions', 'game_date'], ['player_game_summary', 'game_date']]);
// is_hit stays NULL for a PASS or a push: neither won nor lost. A player with a line who did not
// play has no box score line, so his predictions are void and not graded, as books void the bet.
finish(job, writeQuery(job, SPEC, `
  SELECT p.game_date, p.player_id, p.system_id, p.game_id, g.player_name, p.team, p.opponent,
    CASE WHEN p.points_line >= 25 THEN 'star' WHEN p.points_line >= 18 THEN 'starter'
      WHEN p.points_line >= 10 THEN 'rotation' ELSE 'bench' END AS scoring_tier,
    p.predicted_points, p.points_line, g.points AS actual_points,
    round(g.points - p.predicted_points, 2) AS signed_error, round(ABS(g.points - p.predicted_points), 2) AS absolute_error,
    CASE WHEN g.points > p.points_line THEN 'OVER' WHEN g.points < p.points_line THEN 'UNDER' ELSE 'PUSH' END AS actual_result,
    p.recommendation,
    CASE WHEN p.recommendation = 'PASS' OR g.points = p.points_line THEN NULL
      WHEN (p.recommendation = 'OVER') = (g.points > p.points_line) THEN 1 ELSE 0 END AS is_hit
  FROM player_prop_predictions p
  JOIN player_game_summary g ON g.game_date = p.game_date AND g.player_id = p.player_id
  WHERE p.game_date IN (SELECT d FROM job_dates)`));
