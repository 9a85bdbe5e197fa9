// @ts-check
/** Phase 3: upcoming_player_game_context, what is known before tip-off for each player with a line. */
import { MATCHUP } from '../lib/columns.mjs';
import { TEAM_CONTEXT } from '../lib/context.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'upcoming_player_game_context',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', ...MATCHUP,
    points_line: 'REAL NOT NULL', over_price: 'INTEGER NOT NULL', under_price: 'INTEGER NOT NULL',
    days_rest: 'INTEGER NOT NULL', back_to_back: 'INTEGER NOT NULL', games_last_7d: 'INTEGER NOT NULL',
  },
  key: ['game_date', 'player_id'],
};

const job = startJob('upgc');
requireInputs(job, [['nba_schedule', 'game_date'], ['odds_player_props', 'game_date']]);
finish(job, writeQuery(job, SPEC, `${TEAM_CONTEXT}
  SELECT p.game_date, p.player_id, p.player_name, c.game_id, c.team, c.opponent, c.is_home,
    p.points_line, p.over_price, p.under_price, c.days_rest, c.back_to_back, c.games_last_7d
  FROM odds_player_props p
  JOIN team_context c ON c.game_date = p.game_date AND c.team = p.team
  WHERE p.game_date IN (SELECT d FROM job_dates) AND p.bookmaker = 'synthbook'`, { start: job.start, end: job.end }));
