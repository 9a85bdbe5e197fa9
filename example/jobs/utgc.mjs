// @ts-check
/** Phase 3: upcoming_team_game_context, rest and schedule density of both teams before each game. */
import { MATCHUP } from '../lib/columns.mjs';
import { TEAM_CONTEXT } from '../lib/context.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'upcoming_team_game_context',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', ...MATCHUP, days_rest: 'INTEGER NOT NULL', back_to_back: 'INTEGER NOT NULL',
    games_last_7d: 'INTEGER NOT NULL', opp_days_rest: 'INTEGER NOT NULL', rest_advantage: 'INTEGER NOT NULL',
  },
  key: ['game_date', 'team'],
};

const job = startJob('utgc');
requireInputs(job, [['nba_schedule', 'game_date']]);
finish(job, writeQuery(job, SPEC, `${TEAM_CONTEXT}
  SELECT c.*, o.days_rest AS opp_days_rest, c.days_rest - o.days_rest AS rest_advantage
  FROM team_context c JOIN team_context o ON o.game_id = c.game_id AND o.team = c.opponent`, { start: job.start, end: job.end }));
