// @ts-check
/** Phase 4: player_daily_cache, recent scoring form per player, cached for the feature store. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';
import { windowEnd, windowStart } from '../lib/windows.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'player_daily_cache',
  dateColumn: 'cache_date',
  columns: {
    cache_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', games_last_30d: 'INTEGER NOT NULL',
    points_avg_last_5: 'REAL NOT NULL', points_avg_last_10: 'REAL NOT NULL', points_avg_30d: 'REAL NOT NULL',
    points_std_30d: 'REAL NOT NULL', minutes_avg_last_5: 'REAL NOT NULL', usage_avg_30d: 'REAL NOT NULL',
  },
  key: ['cache_date', 'player_id'],
};

/** Spread assumed for a player with fewer than two recent games. */
const DEFAULT_STD = 6;

const job = startJob('pdc', { skipBootstrap: true });
requireInputs(job, [['player_composite_factors', 'analysis_date']]);
// "Last 5 games" starts at the 5th most recent game in the window: an index seek per player,
// far cheaper than numbering every game with a window function. Without recent games, form falls
// back to the composite's base (the league average for him).
const from = windowStart('c.analysis_date');
const to = windowEnd('c.analysis_date');
const nthLatest = (/** @type {number} */ n) => `COALESCE((SELECT game_date FROM player_game_summary
  WHERE player_id = c.player_id AND game_date BETWEEN ${from} AND ${to} ORDER BY game_date DESC LIMIT 1 OFFSET ${n - 1}), ${from})`;
finish(job, writeQuery(job, SPEC, `
  WITH targets AS MATERIALIZED (
    SELECT c.*, ${from} AS from30, ${to} AS to30, ${nthLatest(5)} AS from5, ${nthLatest(10)} AS from10
    FROM player_composite_factors c WHERE c.analysis_date IN (SELECT d FROM job_dates)
  ), form AS (
    SELECT t.analysis_date AS d, t.player_id, COUNT(*) AS games, AVG(CASE WHEN g.game_date >= t.from5 THEN g.points END) AS l5,
      AVG(CASE WHEN g.game_date >= t.from10 THEN g.points END) AS l10, AVG(g.points) AS a30,
      CASE WHEN COUNT(*) > 1 THEN SQRT(MAX(0, (SUM(g.points * g.points) - SUM(g.points) * AVG(g.points)) / (COUNT(*) - 1))) END AS sd,
      AVG(CASE WHEN g.game_date >= t.from5 THEN g.minutes END) AS m5, AVG(g.usage_rate) AS usage
    FROM targets t JOIN player_game_summary g ON g.player_id = t.player_id AND g.game_date BETWEEN t.from30 AND t.to30
    GROUP BY t.analysis_date, t.player_id
  )
  SELECT t.analysis_date AS cache_date, t.player_id, t.player_name, t.game_id, t.team, t.opponent,
    COALESCE(f.games, 0) AS games_last_30d, COALESCE(f.l5, t.base_points) AS points_avg_last_5,
    COALESCE(f.l10, t.base_points) AS points_avg_last_10, COALESCE(f.a30, t.base_points) AS points_avg_30d,
    COALESCE(f.sd, @defaultStd) AS points_std_30d, COALESCE(f.m5, 0) AS minutes_avg_last_5, COALESCE(f.usage, 0) AS usage_avg_30d
  FROM targets t LEFT JOIN form f ON f.d = t.analysis_date AND f.player_id = t.player_id`, { defaultStd: DEFAULT_STD }));
