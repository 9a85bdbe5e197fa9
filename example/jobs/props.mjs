// @ts-check
/** Phase 2: sportsbook points lines, one per rotation player and date (stands in for the odds scraper). */
import { propsOn } from '../lib/generate.mjs';
import { finish, startJob, writeRows } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'odds_player_props',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL',
    team: 'TEXT NOT NULL', bookmaker: 'TEXT NOT NULL', points_line: 'REAL NOT NULL', over_price: 'INTEGER NOT NULL',
    under_price: 'INTEGER NOT NULL',
  },
  key: ['game_date', 'player_id', 'bookmaker'],
};

const job = startJob('props');
finish(job, writeRows(job, SPEC, job.dates.flatMap(propsOn)));
