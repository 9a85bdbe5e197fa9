// @ts-check
/** Phase 4: team_defense_zone_analysis, how each team defends the paint, mid-range and three lately. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';
import { PRIOR_ATTEMPTS, windowEnd, windowStart } from '../lib/windows.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'team_defense_zone_analysis',
  dateColumn: 'analysis_date',
  columns: {
    analysis_date: 'TEXT NOT NULL', team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    games_in_window: 'INTEGER NOT NULL', paint_pct_allowed: 'REAL NOT NULL', mid_pct_allowed: 'REAL NOT NULL',
    three_pct_allowed: 'REAL NOT NULL', paint_factor: 'REAL NOT NULL', mid_factor: 'REAL NOT NULL',
    three_factor: 'REAL NOT NULL', defensive_rating: 'REAL NOT NULL', pace: 'REAL NOT NULL', league_pace: 'REAL NOT NULL',
  },
  key: ['analysis_date', 'team'],
};

const job = startJob('tdza', { skipBootstrap: true });
requireInputs(job, [['upcoming_team_game_context', 'game_date']]);
// League shooting comes from team offense (every shot taken is one some defense allowed).
finish(job, writeQuery(job, SPEC, `
  WITH daily AS MATERIALIZED (
    SELECT game_date, SUM(paint_fgm) AS pm, SUM(paint_fga) AS pa, SUM(mid_fgm) AS mm, SUM(mid_fga) AS ma,
      SUM(three_fgm) AS tm, SUM(three_fga) AS ta, SUM(points) AS pts, SUM(possessions) AS poss, COUNT(*) AS games
    FROM team_offense_game_summary WHERE game_date BETWEEN ${windowStart('@start')} AND @end GROUP BY game_date
  ), league AS MATERIALIZED (
    SELECT j.d, 1.0 * SUM(pm) / SUM(pa) AS paint, 1.0 * SUM(mm) / SUM(ma) AS mid, 1.0 * SUM(tm) / SUM(ta) AS three,
      100.0 * SUM(pts) / SUM(poss) AS rating, SUM(poss) / SUM(games) AS pace
    FROM job_dates j JOIN daily ON daily.game_date BETWEEN ${windowStart('j.d')} AND ${windowEnd('j.d')} GROUP BY j.d
  ), allowed AS (
    SELECT u.game_date AS d, u.team, COUNT(*) AS games, SUM(g.opp_paint_fgm) AS pm, SUM(g.opp_paint_fga) AS pa,
      SUM(g.opp_mid_fgm) AS mm, SUM(g.opp_mid_fga) AS ma, SUM(g.opp_three_fgm) AS tm, SUM(g.opp_three_fga) AS ta,
      SUM(g.points_allowed) AS pts, SUM(g.opp_possessions) AS poss
    FROM upcoming_team_game_context u
    JOIN team_defense_game_summary g ON g.team = u.team AND g.game_date BETWEEN ${windowStart('u.game_date')} AND ${windowEnd('u.game_date')}
    WHERE u.game_date IN (SELECT d FROM job_dates) GROUP BY u.game_date, u.team
  ), shrunk AS (
    SELECT u.game_date AS analysis_date, u.team, u.opponent, u.game_id, COALESCE(a.games, 0) AS games_in_window,
      (COALESCE(a.pm, 0) + @prior * lg.paint) / (COALESCE(a.pa, 0) + @prior) AS paint_pct_allowed,
      (COALESCE(a.mm, 0) + @prior * lg.mid) / (COALESCE(a.ma, 0) + @prior) AS mid_pct_allowed,
      (COALESCE(a.tm, 0) + @prior * lg.three) / (COALESCE(a.ta, 0) + @prior) AS three_pct_allowed,
      lg.paint, lg.mid, lg.three,
      COALESCE(100.0 * a.pts / a.poss, lg.rating) AS defensive_rating,
      COALESCE(a.poss / a.games, lg.pace) AS pace, lg.pace AS league_pace
    FROM upcoming_team_game_context u
    JOIN league lg ON lg.d = u.game_date
    LEFT JOIN allowed a ON a.d = u.game_date AND a.team = u.team
    WHERE u.game_date IN (SELECT d FROM job_dates)
  )
  SELECT *, paint_pct_allowed / paint AS paint_factor, mid_pct_allowed / mid AS mid_factor,
    three_pct_allowed / three AS three_factor
  FROM shrunk`, { start: job.start, end: job.end, prior: PRIOR_ATTEMPTS }));
