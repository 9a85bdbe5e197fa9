// @ts-check
/** Phase 2: player box scores with shot zones (stands in for the box score scraper). */
import { BOX_STATS, MATCHUP } from '../lib/columns.mjs';
import { playerBoxesOn } from '../lib/generate.mjs';
import { finish, startJob, writeRows } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'nba_player_boxscores',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', ...MATCHUP,
    starter: 'INTEGER NOT NULL', minutes: 'REAL NOT NULL', ...BOX_STATS,
  },
  key: ['game_date', 'player_id'],
};

const job = startJob('boxscores');
finish(job, writeRows(job, SPEC, job.dates.flatMap(playerBoxesOn)));
