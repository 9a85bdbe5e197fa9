// @ts-check
/** Phase 5a: player_prop_predictions, five systems' points predictions and an over/under pick each. */
import { addDays, eachDay } from '../lib/dates.mjs';
import { finish, requireInputs, startJob, writeQuery } from '../lib/job.mjs';
import { MOVING_AVERAGE_SQL, SYSTEMS, ZONE_MATCHUP_SQL, daySums, fitRegression, regressionPredict, similarityPredict } from '../lib/systems.mjs';
import { LOOKBACK_DAYS } from '../lib/windows.mjs';

/** @type {import('../lib/job.mjs').TableSpec} */
const SPEC = {
  name: 'player_prop_predictions',
  dateColumn: 'game_date',
  columns: {
    game_date: 'TEXT NOT NULL', player_id: 'INTEGER NOT NULL', system_id: 'TEXT NOT NULL', game_id: 'TEXT NOT NULL',
    team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', predicted_points: 'REAL NOT NULL', points_line: 'REAL NOT NULL',
    edge: 'REAL NOT NULL', recommendation: 'TEXT NOT NULL', confidence: 'REAL NOT NULL',
  },
  key: ['game_date', 'player_id', 'system_id'],
};

/** Below this many points between prediction and line, a system passes rather than pick a side. */
const MIN_EDGE = 1;

const NIGHT_COLUMNS = /** @type {const} */ (['game_date', 'player_id', 'points_avg_last_5', 'points_avg_last_10', 'points_avg_30d',
  'composite_factor', 'zone_matchup_factor', 'pace_factor', 'is_home', 'days_rest', 'back_to_back', 'actual_points']);

const job = startJob('predictions', { skipBootstrap: true });
requireInputs(job, [['ml_feature_store_v2', 'game_date']]);

// The window before the first date up to the last, with what was scored. Raw arrays: objects
// for this many wide rows cost more than the models.
const raw = /** @type {unknown[][]} */ (job.db.prepare(`
  SELECT ${NIGHT_COLUMNS.slice(0, -1).map((c) => `f.${c}`).join(', ')}, g.points AS actual_points
  FROM ml_feature_store_v2 f
  LEFT JOIN player_game_summary g ON g.game_date = f.game_date AND g.player_id = f.player_id
  WHERE f.game_date BETWEEN ? AND ?`).raw().all(addDays(job.start, -LOOKBACK_DAYS), job.end));
/** @type {Map<string, import('../lib/systems.mjs').Night[]>} */
const byDate = new Map();
for (const values of raw) {
  const night = /** @type {import('../lib/systems.mjs').Night} */ (Object.fromEntries(NIGHT_COLUMNS.map((c, i) => [c, values[i]])));
  const list = byDate.get(night.game_date);
  if (list) list.push(night);
  else byDate.set(night.game_date, [night]);
}
const sums = new Map([...byDate].map(([date, nights]) => [date, daySums(nights)]));

// The learned systems' outputs go to a temp table; SQL then assembles all five per player.
job.db.exec('CREATE TEMP TABLE learned (game_date TEXT, player_id INTEGER, similarity REAL, regression REAL, PRIMARY KEY (game_date, player_id))');
const insert = job.db.prepare('INSERT INTO learned VALUES (?, ?, ?, ?)');
job.db.transaction(() => {
  for (const date of job.dates) {
    // Strictly earlier dates: tonight's points must not leak into tonight's predictions.
    const window = eachDay(addDays(date, -LOOKBACK_DAYS), addDays(date, -1));
    const coefficients = fitRegression(window.flatMap((d) => sums.get(d) ?? []));
    /** @type {Map<number, import('../lib/systems.mjs').Night[]>} */
    const byPlayer = new Map();
    for (const night of window.flatMap((d) => byDate.get(d) ?? [])) {
      const list = byPlayer.get(night.player_id);
      if (list) list.push(night);
      else byPlayer.set(night.player_id, [night]);
    }
    for (const tonight of byDate.get(date) ?? []) {
      const similar = similarityPredict(tonight, byPlayer.get(tonight.player_id) ?? []);
      insert.run(date, tonight.player_id, similar ?? null, coefficients ? regressionPredict(coefficients, tonight) : null);
    }
  }
})();

// Without enough history a learned system falls back to the moving average.
/** @type {Record<string, string>} */
const formulas = {
  moving_average: 'moving_average', zone_matchup: 'zone_matchup',
  similarity: 'COALESCE(similarity, moving_average)', regression: 'COALESCE(regression, moving_average)',
  ensemble: '(moving_average + zone_matchup + COALESCE(similarity, moving_average) + COALESCE(regression, moving_average)) / 4',
};
// One row per night and system, in primary-key order so the insert appends. MATERIALIZED: the
// formulas are referenced several times and SQLite would otherwise evaluate them each time.
finish(job, writeQuery(job, SPEC, `
  WITH nights AS MATERIALIZED (
    SELECT f.game_date, f.player_id, f.game_id, f.team, f.opponent, f.points_line, f.points_std_30d,
      ${MOVING_AVERAGE_SQL('f')} AS moving_average, ${ZONE_MATCHUP_SQL('f')} AS zone_matchup, l.similarity, l.regression
    FROM learned l JOIN ml_feature_store_v2 f ON f.game_date = l.game_date AND f.player_id = l.player_id
    WHERE f.game_date IN (SELECT d FROM job_dates)
  ), systems (system_id) AS (VALUES ${[...SYSTEMS].sort().map((id) => `('${id}')`).join(', ')}
  ), predicted AS MATERIALIZED (
    SELECT n.*, s.system_id, round(CASE s.system_id
      ${SYSTEMS.map((id) => `WHEN '${id}' THEN ${formulas[id]}`).join(' ')} END, 2) AS predicted_points
    FROM nights n CROSS JOIN systems s
  )
  SELECT game_date, player_id, system_id, game_id, team, opponent, predicted_points, points_line,
    round(predicted_points - points_line, 2) AS edge,
    CASE WHEN ABS(predicted_points - points_line) < @minEdge THEN 'PASS'
      WHEN predicted_points > points_line THEN 'OVER' ELSE 'UNDER' END AS recommendation,
    -- Sure in proportion to the edge measured in the player's own spread.
    round(MIN(0.95, 0.5 + ABS(predicted_points - points_line) / (4 * MAX(1, points_std_30d))), 3) AS confidence
  FROM predicted ORDER BY game_date, player_id, system_id`, { minEdge: MIN_EDGE }));
