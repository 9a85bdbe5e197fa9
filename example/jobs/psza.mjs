// @ts-check
/** Phase 4: player_shot_zone_analysis, each player's recent shot mix and accuracy by zone. */
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';
import { PRIOR_ATTEMPTS, windowEnd, windowStart } from '../lib/windows.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'player_shot_zone_analysis',
  dateColumn: 'analysis_date',
  columns: {
    analysis_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', player_name: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', is_home: 'INTEGER NOT NULL', days_rest: 'INTEGER NOT NULL',
    back_to_back: 'INTEGER NOT NULL', games_in_window: 'INTEGER NOT NULL', minutes_avg: 'REAL', points_avg: 'REAL NOT NULL',
    fga_avg: 'REAL NOT NULL', paint_rate: 'REAL NOT NULL', mid_rate: 'REAL NOT NULL', three_rate: 'REAL NOT NULL',
    paint_pct: 'REAL NOT NULL', mid_pct: 'REAL NOT NULL', three_pct: 'REAL NOT NULL', ft_points_avg: 'REAL NOT NULL',
  },
  key: ['analysis_date', 'player_id'],
};

const job = startJob('psza', { skipBootstrap: true });
requireInputs(job, [['upcoming_player_game_context', 'game_date']]);
// A player without games in the window gets the league's per-player averages, not a gap.
finish(job, writeQuery(job, SPEC, `
  WITH daily AS MATERIALIZED (
    SELECT game_date, COUNT(*) AS lines, SUM(points) AS pts, SUM(fga) AS fga, SUM(ftm) AS ftm,
      SUM(paint_fgm) AS pm, SUM(paint_fga) AS pa, SUM(mid_fgm) AS mm, SUM(mid_fga) AS ma, SUM(fg3m) AS tm, SUM(fg3a) AS ta
    FROM player_game_summary WHERE game_date BETWEEN ${windowStart('@start')} AND @end GROUP BY game_date
  ), league AS MATERIALIZED (
    SELECT j.d, 1.0 * SUM(pts) / SUM(lines) AS pts, 1.0 * SUM(fga) / SUM(lines) AS fga, 1.0 * SUM(ftm) / SUM(lines) AS ftm,
      1.0 * SUM(pa) / SUM(fga) AS paint_rate, 1.0 * SUM(ma) / SUM(fga) AS mid_rate, 1.0 * SUM(ta) / SUM(fga) AS three_rate,
      1.0 * SUM(pm) / SUM(pa) AS paint, 1.0 * SUM(mm) / SUM(ma) AS mid, 1.0 * SUM(tm) / SUM(ta) AS three
    FROM job_dates j JOIN daily ON daily.game_date BETWEEN ${windowStart('j.d')} AND ${windowEnd('j.d')} GROUP BY j.d
  ), recent AS (
    SELECT u.game_date AS d, u.player_id, COUNT(*) AS games, SUM(g.minutes) AS minutes, SUM(g.points) AS pts,
      SUM(g.fga) AS fga, SUM(g.ftm) AS ftm, SUM(g.paint_fgm) AS pm, SUM(g.paint_fga) AS pa, SUM(g.mid_fgm) AS mm,
      SUM(g.mid_fga) AS ma, SUM(g.fg3m) AS tm, SUM(g.fg3a) AS ta
    FROM upcoming_player_game_context u
    JOIN player_game_summary g ON g.player_id = u.player_id AND g.game_date BETWEEN ${windowStart('u.game_date')} AND ${windowEnd('u.game_date')}
    WHERE u.game_date IN (SELECT d FROM job_dates) GROUP BY u.game_date, u.player_id
  )
  SELECT u.game_date AS analysis_date, u.player_id, u.player_name, u.game_id, u.team, u.opponent, u.is_home,
    u.days_rest, u.back_to_back, COALESCE(r.games, 0) AS games_in_window, r.minutes / r.games AS minutes_avg,
    COALESCE(1.0 * r.pts / r.games, lg.pts) AS points_avg, COALESCE(1.0 * r.fga / r.games, lg.fga) AS fga_avg,
    (COALESCE(r.pa, 0) + @prior * lg.paint_rate) / (COALESCE(r.fga, 0) + @prior) AS paint_rate,
    (COALESCE(r.ma, 0) + @prior * lg.mid_rate) / (COALESCE(r.fga, 0) + @prior) AS mid_rate,
    (COALESCE(r.ta, 0) + @prior * lg.three_rate) / (COALESCE(r.fga, 0) + @prior) AS three_rate,
    (COALESCE(r.pm, 0) + @prior * lg.paint) / (COALESCE(r.pa, 0) + @prior) AS paint_pct,
    (COALESCE(r.mm, 0) + @prior * lg.mid) / (COALESCE(r.ma, 0) + @prior) AS mid_pct,
    (COALESCE(r.tm, 0) + @prior * lg.three) / (COALESCE(r.ta, 0) + @prior) AS three_pct,
    COALESCE(1.0 * r.ftm / r.games, lg.ftm) AS ft_points_avg
  FROM upcoming_player_game_context u
  JOIN league lg ON lg.d = u.game_date
  LEFT JOIN recent r ON r.d = u.game_date AND r.player_id = u.player_id
  WHERE u.game_date IN (SELECT d FROM job_dates)`, { start: job.start, end: job.end, prior: PRIOR_ATTEMPTS }));
