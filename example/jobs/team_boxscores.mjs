// @ts-check
/** Phase 2: team box scores, one row per team and game (stands in for the box score scraper). */
import { BOX_STATS, MATCHUP } from '../lib/columns.mjs';
import { teamBoxesOn } from '../lib/generate.mjs';
import { finish, startJob, writeRows } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'nba_team_boxscores',
  dateColumn: 'game_date',
  columns: { game_date: 'TEXT NOT NULL', ...MATCHUP, ...BOX_STATS },
  key: ['game_date', 'team'],
};

const job = startJob('team_boxscores');
finish(job, writeRows(job, SPEC, job.dates.flatMap(teamBoxesOn)));
