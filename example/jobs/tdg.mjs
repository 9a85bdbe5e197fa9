// @ts-check
/** Phase 3: team_defense_game_summary, what each team allowed: the opponent's line, by zone. */
import { MATCHUP } from '../lib/columns.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'team_defense_game_summary',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', ...MATCHUP, points_allowed: 'INTEGER NOT NULL', opp_possessions: 'REAL NOT NULL',
    defensive_rating: 'REAL NOT NULL', opp_paint_fgm: 'INTEGER NOT NULL', opp_paint_fga: 'INTEGER NOT NULL',
    opp_mid_fgm: 'INTEGER NOT NULL', opp_mid_fga: 'INTEGER NOT NULL', opp_three_fgm: 'INTEGER NOT NULL',
    opp_three_fga: 'INTEGER NOT NULL', opp_turnovers: 'INTEGER NOT NULL',
  },
  key: ['game_date', 'team'],
  // tdza reads one team's recent games.
  indexes: [['team', 'game_date']],
};

const job = startJob('tdg');
requireInputs(job, [['nba_team_boxscores', 'game_date']]);
finish(job, writeQuery(job, SPEC, `
  SELECT t.game_date, t.game_id, t.team, t.opponent, t.is_home, o.points AS points_allowed,
    o.fga + 0.44 * o.fta + o.turnovers AS opp_possessions,
    100.0 * o.points / (o.fga + 0.44 * o.fta + o.turnovers) AS defensive_rating,
    o.paint_fgm AS opp_paint_fgm, o.paint_fga AS opp_paint_fga, o.mid_fgm AS opp_mid_fgm, o.mid_fga AS opp_mid_fga,
    o.fg3m AS opp_three_fgm, o.fg3a AS opp_three_fga, o.turnovers AS opp_turnovers
  FROM nba_team_boxscores t
  JOIN nba_team_boxscores o ON o.game_date = t.game_date AND o.team = t.opponent
  WHERE t.game_date IN (SELECT d FROM job_dates)`));
