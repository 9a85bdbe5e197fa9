// @ts-check
/**
 * Rest and schedule density per team and game, shared by upgc and utgc. It reads the schedule
 * only from @start - 7 days to @end, the `lookback: 7` their config entries declare.
 */

/** Rest is capped at a week: the schedule lookback cannot see further back. */
export const MAX_REST = 7;

/**
 * A WITH clause defining `team_context(game_date, game_id, team, opponent, is_home, days_rest,
 * back_to_back, games_last_7d)` for the job dates; bind @start and @end.
 */
export const TEAM_CONTEXT = `
  WITH team_games AS (
    SELECT game_date, game_id, home_team AS team, away_team AS opponent, 1 AS is_home
    FROM nba_schedule WHERE game_date BETWEEN date(@start, '-${MAX_REST} days') AND @end
    UNION ALL
    SELECT game_date, game_id, away_team, home_team, 0
    FROM nba_schedule WHERE game_date BETWEEN date(@start, '-${MAX_REST} days') AND @end
  ), windowed AS (
    SELECT *,
      LAG(game_date) OVER (PARTITION BY team ORDER BY game_date) AS last_game,
      COUNT(*) OVER (PARTITION BY team ORDER BY julianday(game_date)
        RANGE BETWEEN ${MAX_REST} PRECEDING AND 1 PRECEDING) AS games_last_7d
    FROM team_games
  ), team_context AS (
    SELECT game_date, game_id, team, opponent, is_home, games_last_7d,
      CAST(MIN(${MAX_REST}, COALESCE(julianday(game_date) - julianday(last_game) - 1, ${MAX_REST})) AS INTEGER) AS days_rest,
      last_game IS NOT NULL AND julianday(game_date) - julianday(last_game) = 1 AS back_to_back
    FROM windowed WHERE game_date IN (SELECT d FROM job_dates)
  )`;
