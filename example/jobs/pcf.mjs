// @ts-check
/** Phase 4: player_composite_factors, the player's shot profile against tonight's defense, rest and pace. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'player_composite_factors',
  dateColumn: 'analysis_date',
  columns: {
    analysis_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', is_home: 'INTEGER NOT NULL', days_rest: 'INTEGER NOT NULL',
    back_to_back: 'INTEGER NOT NULL', base_points: 'REAL NOT NULL', zone_matchup_factor: 'REAL NOT NULL',
    pace_factor: 'REAL NOT NULL', fatigue_factor: 'REAL NOT NULL', composite_factor: 'REAL NOT NULL',
    expected_points: 'REAL NOT NULL',
  },
  key: ['analysis_date', 'player_id'],
};

const job = startJob('pcf', { skipBootstrap: true });
requireInputs(job, [['player_shot_zone_analysis', 'analysis_date'], ['team_defense_zone_analysis', 'analysis_date']]);
// The zone factor weighs each zone's defense by how many points the player usually scores there.
finish(job, writeQuery(job, SPEC, `
  WITH factors AS (
    SELECT p.analysis_date, p.player_id, p.player_name, p.game_id, p.team, p.opponent, p.is_home, p.days_rest,
      p.back_to_back, p.points_avg AS base_points,
      (2 * p.paint_rate * p.paint_pct * t.paint_factor + 2 * p.mid_rate * p.mid_pct * t.mid_factor
        + 3 * p.three_rate * p.three_pct * t.three_factor)
      / (2 * p.paint_rate * p.paint_pct + 2 * p.mid_rate * p.mid_pct + 3 * p.three_rate * p.three_pct) AS zone_matchup_factor,
      t.pace / t.league_pace AS pace_factor,
      CASE WHEN p.back_to_back THEN 0.95 WHEN p.days_rest >= 2 THEN 1.02 ELSE 1.0 END AS fatigue_factor
    FROM player_shot_zone_analysis p
    JOIN team_defense_zone_analysis t ON t.analysis_date = p.analysis_date AND t.team = p.opponent
    WHERE p.analysis_date IN (SELECT d FROM job_dates)
  )
  SELECT *, zone_matchup_factor * pace_factor * fatigue_factor AS composite_factor,
    base_points * zone_matchup_factor * pace_factor * fatigue_factor AS expected_points
  FROM factors`));
