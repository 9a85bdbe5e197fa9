// @ts-check
/** Phase 3: team_offense_game_summary, possessions, ratings and shot zones per team and game. */
import { MATCHUP } from '../lib/columns.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'team_offense_game_summary',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', ...MATCHUP, points: 'INTEGER NOT NULL', possessions: 'REAL NOT NULL',
    offensive_rating: 'REAL NOT NULL', efg_pct: 'REAL', paint_fgm: 'INTEGER NOT NULL', paint_fga: 'INTEGER NOT NULL',
    mid_fgm: 'INTEGER NOT NULL', mid_fga: 'INTEGER NOT NULL', three_fgm: 'INTEGER NOT NULL', three_fga: 'INTEGER NOT NULL',
    ftm: 'INTEGER NOT NULL', fta: 'INTEGER NOT NULL', assists: 'INTEGER NOT NULL', turnovers: 'INTEGER NOT NULL',
  },
  key: ['game_date', 'team'],
};

const job = startJob('tog');
requireInputs(job, [['nba_team_boxscores', 'game_date']]);
// No offensive rebounds in the feed, so possessions use the simple FGA + 0.44 FTA + TOV estimate.
finish(job, writeQuery(job, SPEC, `
  SELECT game_date, game_id, team, opponent, is_home, points,
    fga + 0.44 * fta + turnovers AS possessions,
    100.0 * points / (fga + 0.44 * fta + turnovers) AS offensive_rating,
    CASE WHEN fga > 0 THEN (fgm + 0.5 * fg3m) / fga END AS efg_pct,
    paint_fgm, paint_fga, mid_fgm, mid_fga, fg3m AS three_fgm, fg3a AS three_fga, ftm, fta, assists, turnovers
  FROM nba_team_boxscores WHERE game_date IN (SELECT d FROM job_dates)`));
