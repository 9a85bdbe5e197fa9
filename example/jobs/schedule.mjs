// @ts-check
/** Phase 2: the league schedule, one row per game (stands in for the schedule scraper). */
import { gamesOn } from '../lib/generate.mjs';
import { finish, startJob, writeRows } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'nba_schedule',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL', season: 'TEXT NOT NULL', game_type: 'TEXT NOT NULL',
    home_team: 'TEXT NOT NULL', away_team: 'TEXT NOT NULL',
  },
  key: ['game_date', 'game_id'],
};

const job = startJob('schedule');
finish(job, writeRows(job, SPEC, job.dates.flatMap(gamesOn)));
