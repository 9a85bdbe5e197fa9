// @ts-check
/** Phase 4: ml_feature_store_v2, one feature vector per player and game, plus the line to beat. */
import { FEATURES, FEATURE_VERSION } from '../lib/features.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'ml_feature_store_v2',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', game_id: 'TEXT NOT NULL', team: 'TEXT NOT NULL',
    opponent: 'TEXT NOT NULL', points_line: 'REAL NOT NULL', feature_version: 'TEXT NOT NULL',
    feature_count: 'INTEGER NOT NULL', features: 'TEXT NOT NULL',
    // The same values as named columns, for SQL readers that want one feature.
    ...Object.fromEntries(FEATURES.map(([name]) => [name, 'REAL NOT NULL'])),
  },
  key: ['game_date', 'player_id'],
};

const job = startJob('mlfs', { skipBootstrap: true });
requireInputs(job, [
  ['player_daily_cache', 'cache_date'],
  ['player_composite_factors', 'analysis_date'],
  ['upcoming_player_game_context', 'game_date'],
]);
finish(job, writeQuery(job, SPEC, `
  SELECT d.cache_date AS game_date, d.player_id, d.game_id, d.team, d.opponent, u.points_line,
    @version AS feature_version, ${FEATURES.length} AS feature_count,
    json_array(${FEATURES.map(([, sql]) => `round(${sql}, 4)`).join(', ')}) AS features,
    ${FEATURES.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}
  FROM player_daily_cache d
  JOIN player_composite_factors c ON c.analysis_date = d.cache_date AND c.player_id = d.player_id
  JOIN upcoming_player_game_context u ON u.game_date = d.cache_date AND u.player_id = d.player_id
  WHERE d.cache_date IN (SELECT d FROM job_dates)`, { version: FEATURE_VERSION }));
