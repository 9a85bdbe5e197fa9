// @ts-check
/** Phase 6: one JSON results file per graded date, what the site publishes. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gameDay } from '../schedule.mjs';
import { finish, requireInputs, startJob } from '../lib/job.mjs';

const job = startJob('exports', { skipBootstrap: true, options: { 'out-dir': 'data/exports' }, unit: 'files' });
requireInputs(job, [
  ['prediction_accuracy', 'game_date'],
  ['system_daily_performance', 'game_date'],
  ['prediction_performance_summary', 'game_date'],
  ['scoring_tier_adjustments', 'game_date'],
]);
const outDir = job.options['out-dir'] ?? 'data/exports';
mkdirSync(outDir, { recursive: true });

// SQLite builds each date's JSON itself: turning 400k grades into JavaScript objects would cost
// more than the rest of the export.
const files = /** @type {{ game_date: string, systems: string, tiers: string, players: string }[]} */ (job.db.prepare(`
  WITH players AS (
    SELECT game_date, team, player_id, json_object(
      'player_id', player_id, 'player_name', player_name, 'team', team, 'opponent', opponent,
      'scoring_tier', scoring_tier, 'points_line', points_line, 'actual_points', actual_points,
      'actual_result', actual_result, 'predictions', json_group_object(system_id, json_object(
        'predicted_points', predicted_points, 'recommendation', recommendation, 'is_hit', is_hit))) AS player
    FROM prediction_accuracy WHERE game_date IN (SELECT d FROM job_dates) GROUP BY game_date, player_id
  ), systems AS (
    SELECT d.game_date, json_group_array(json_object('system_id', d.system_id,
      'day', json_object('predictions', d.predictions, 'recommendations', d.recommendations, 'hits', d.hits,
        'hit_rate', round(d.hit_rate, 4), 'mae', round(d.mae, 3), 'bias', round(d.bias, 3)),
      'trailing_30d', json_object('predictions', t.predictions, 'recommendations', t.recommendations, 'hits', t.hits,
        'hit_rate', round(t.hit_rate, 4), 'mae', round(t.mae, 3), 'bias', round(t.bias, 3))) ORDER BY d.system_id) AS systems
    FROM system_daily_performance d
    JOIN prediction_performance_summary t ON t.game_date = d.game_date AND t.system_id = d.system_id AND t.scoring_tier = 'all'
    WHERE d.game_date IN (SELECT d FROM job_dates) GROUP BY d.game_date
  ), tiers AS (
    SELECT game_date, json_group_object(scoring_tier, round(adjustment, 3)) AS tiers
    FROM scoring_tier_adjustments WHERE game_date IN (SELECT d FROM job_dates) GROUP BY game_date
  )
  SELECT s.game_date, s.systems, coalesce(t.tiers, '{}') AS tiers,
    json_group_array(json(p.player) ORDER BY p.team, p.player_id) AS players
  FROM systems s JOIN players p ON p.game_date = s.game_date LEFT JOIN tiers t ON t.game_date = s.game_date
  GROUP BY s.game_date`).all());

for (const { game_date: date, systems, tiers, players } of files) {
  const file = join(outDir, `${date}.json`);
  const season = JSON.stringify(gameDay(date)?.season ?? null);
  // Write then rename, so a reader (or bftask's coverage check) never sees half a file.
  writeFileSync(`${file}.tmp`, `{"date":"${date}","season":${season},"systems":${systems},"tier_adjustments":${tiers},"players":${players}}\n`);
  renameSync(`${file}.tmp`, file);
}
finish(job, files.length, 'files');
