// @ts-check
/** Phase 3: player_game_summary, each box score line with shooting efficiency and usage. */
import { BOX_STATS, MATCHUP } from '../lib/columns.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'player_game_summary',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', ...MATCHUP,
    starter: 'INTEGER NOT NULL', minutes: 'REAL NOT NULL', ...BOX_STATS,
    ts_pct: 'REAL', efg_pct: 'REAL', usage_rate: 'REAL', points_per_36: 'REAL',
  },
  key: ['game_date', 'player_id'],
  // Rolling features read one player's recent games.
  indexes: [['player_id', 'game_date']],
};

const job = startJob('pgs');
requireInputs(job, [['nba_player_boxscores', 'game_date'], ['nba_team_boxscores', 'game_date']]);
// Usage: the share of team plays a player finished while on the floor (team minutes / 5 = 48).
finish(job, writeQuery(job, SPEC, `
  SELECT p.*,
    CASE WHEN p.fga + p.fta > 0 THEN p.points / (2.0 * (p.fga + 0.44 * p.fta)) END AS ts_pct,
    CASE WHEN p.fga > 0 THEN (p.fgm + 0.5 * p.fg3m) / p.fga END AS efg_pct,
    CASE WHEN p.minutes > 0 THEN 100.0 * (p.fga + 0.44 * p.fta + p.turnovers) * 48.0
      / (p.minutes * (t.fga + 0.44 * t.fta + t.turnovers)) END AS usage_rate,
    CASE WHEN p.minutes > 0 THEN 36.0 * p.points / p.minutes END AS points_per_36
  FROM nba_player_boxscores p
  JOIN nba_team_boxscores t ON t.game_date = p.game_date AND t.team = p.team
  WHERE p.game_date IN (SELECT d FROM job_dates)`));
