import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapDates, gameDatesBetween } from '../../example/schedule.mjs';
import { addDays } from '../../example/lib/dates.mjs';
import { CHAIN, loadConfig, makeWarehouse, type Warehouse } from './helpers.js';

// Six weeks of the first season: 14 bootstrap game dates, then enough for 30-day windows to slide.
const START = '2021-10-19';
const END = '2021-12-01';

/** Phase 4 and later tables with their date column. */
const ROLLING = [
  ['team_defense_zone_analysis', 'analysis_date'], ['player_shot_zone_analysis', 'analysis_date'],
  ['player_composite_factors', 'analysis_date'], ['player_daily_cache', 'cache_date'],
  ['ml_feature_store_v2', 'game_date'], ['player_prop_predictions', 'game_date'], ['prediction_accuracy', 'game_date'],
  ['system_daily_performance', 'game_date'], ['prediction_performance_summary', 'game_date'],
  ['scoring_tier_adjustments', 'game_date'],
] as const;

let w: Warehouse;
const outputs = new Map<string, string>();
beforeAll(() => {
  w = makeWarehouse();
  for (const name of CHAIN) outputs.set(name, w.build(name, START, END).stdout);
});
afterAll(() => w.remove());

describe('example pipeline', () => {
  it('ends every processor log with a COMPLETE line', () => {
    const all = gameDatesBetween(START, END).length;
    const rolling = all - 14;
    for (const name of CHAIN) {
      const dates = CHAIN.indexOf(name) < CHAIN.indexOf('tdza') ? all : rolling;
      const unit = name === 'exports' ? `${dates} files` : '[1-9]\\d* rows';
      expect(outputs.get(name), name).toMatch(new RegExp(`^${name}: ${START}\\.\\.${END}, ${dates} game dates to write\nCOMPLETE ${dates} dates, ${unit}\n$`));
    }
  });

  it('never writes a bootstrap date in phase 4 and later, and writes every other game date', () => {
    const expected = gameDatesBetween(START, END, true);
    expect(expected).toHaveLength(gameDatesBetween(START, END).length - 14);
    for (const [table, column] of ROLLING) {
      const dates = w.query<{ d: string }>(`SELECT DISTINCT ${column} AS d FROM ${table} ORDER BY d`).map((r) => r.d);
      expect(dates, table).toEqual(expected);
      expect(dates.filter((d) => bootstrapDates.includes(d)), table).toEqual([]);
    }
    expect(fs.readdirSync(path.join(w.dir, 'exports')).sort()).toEqual(expected.map((d) => `${d}.json`));
  });

  it('replaces rather than duplicates rows when a processor runs again', () => {
    // One processor that writes from SQL and one that writes rows computed in JavaScript.
    for (const [name, table] of [['pgs', 'player_game_summary'], ['predictions', 'player_prop_predictions']] as const) {
      const before = w.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`);
      w.build(name, START, END);
      w.build(name, '2021-11-20', '2021-11-25');
      expect(w.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`), table).toEqual(before);
    }
  });

  it('grades each prediction against the points scored and the line', () => {
    type Row = { system_id: string; recommendation: string; predicted_points: number; points_line: number; points: number };
    const rows = w.query<Row>(`
      SELECT p.system_id, p.recommendation, p.predicted_points, p.points_line, g.points
      FROM player_prop_predictions p JOIN player_game_summary g USING (game_date, player_id)
      WHERE p.game_date = '2021-11-24' ORDER BY p.player_id, p.system_id`);
    const graded = w.query<{ actual_points: number; actual_result: string; is_hit: number | null; absolute_error: number }>(`
      SELECT actual_points, actual_result, is_hit, absolute_error FROM prediction_accuracy
      WHERE game_date = '2021-11-24' ORDER BY player_id, system_id`);
    expect(graded).toHaveLength(rows.length);
    const expected = rows.map((r) => {
      const result = r.points > r.points_line ? 'OVER' : r.points < r.points_line ? 'UNDER' : 'PUSH';
      return {
        actual_points: r.points,
        actual_result: result,
        is_hit: r.recommendation === 'PASS' || result === 'PUSH' ? null : r.recommendation === result ? 1 : 0,
        absolute_error: expect.closeTo(Math.abs(r.points - r.predicted_points), 6),
      };
    });
    expect(graded).toEqual(expected);
    // Both outcomes occur, so the check above is not vacuous.
    expect(new Set(graded.map((g) => g.is_hit))).toEqual(new Set([0, 1, null]));
    const day = w.query<{ hits: number; recommendations: number }>(
      "SELECT hits, recommendations FROM system_daily_performance WHERE game_date = '2021-11-24' AND system_id = 'ensemble'");
    const ensemble = expected.filter((_, i) => rows[i]?.system_id === 'ensemble' && expected[i]?.is_hit !== null);
    expect(day).toEqual([{ hits: ensemble.filter((e) => e.is_hit === 1).length, recommendations: ensemble.length }]);
  });

  it('exports one JSON file per graded date with every player and all five systems', () => {
    const file = JSON.parse(fs.readFileSync(path.join(w.dir, 'exports', '2021-11-24.json'), 'utf8'));
    expect(Object.keys(file)).toEqual(['date', 'season', 'systems', 'tier_adjustments', 'players']);
    const tiers = w.query<{ scoring_tier: string; adjustment: number }>(
      "SELECT scoring_tier, adjustment FROM scoring_tier_adjustments WHERE game_date = '2021-11-24'");
    expect(tiers.length).toBeGreaterThan(0);
    expect(file.tier_adjustments).toEqual(Object.fromEntries(tiers.map((t) => [t.scoring_tier, Math.round(t.adjustment * 1000) / 1000])));
    expect(file).toMatchObject({ date: '2021-11-24', season: '2021-22' });
    const systems = ['ensemble', 'moving_average', 'regression', 'similarity', 'zone_matchup'];
    expect(file.systems.map((s: { system_id: string }) => s.system_id)).toEqual(systems);
    const record = { predictions: expect.any(Number), recommendations: expect.any(Number), hits: expect.any(Number) };
    expect(file.systems[0]).toMatchObject({ day: record, trailing_30d: record });
    const players = w.query<{ n: number }>("SELECT COUNT(DISTINCT player_id) AS n FROM prediction_accuracy WHERE game_date = '2021-11-24'");
    expect(file.players).toHaveLength(players[0]?.n ?? -1);
    expect(file.players[0]).toMatchObject({
      player_id: expect.any(Number), player_name: expect.any(String), team: expect.any(String),
      points_line: expect.any(Number), actual_points: expect.any(Number), actual_result: expect.stringMatching(/^(OVER|UNDER|PUSH)$/),
    });
    expect(Object.keys(file.players[0].predictions).sort()).toEqual(systems);
    expect(file.players[0].predictions.ensemble).toMatchObject({ predicted_points: expect.any(Number), recommendation: expect.any(String) });
  });

  it('reads nothing outside the lookback its config entry declares', async () => {
    // Keep only what the config lets date d read (same day, or d-k..d), rebuild d, compare.
    const d = '2021-11-30';
    const { targets } = await loadConfig();
    const lookback: Record<string, number> = {};
    for (const target of Object.values(targets)) {
      for (const dep of target.deps ?? []) {
        const table = typeof dep === 'string' ? undefined : targets[dep.target]?.table;
        if (table && typeof dep !== 'string') lookback[table] = Math.max(lookback[table] ?? 0, dep.lookback ?? 0);
      }
    }
    const copy = w.copy();
    try {
      const db = new Database(copy.file);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      for (const table of tables) {
        // Every example table starts with its date column.
        const column = db.prepare('SELECT name FROM pragma_table_info(?) WHERE cid = 0').pluck().get(table) as string;
        db.prepare(`DELETE FROM ${table} WHERE ${column} NOT BETWEEN ? AND ?`).run(addDays(d, -(lookback[table] ?? 0)), d);
      }
      db.close();
      for (const name of ['utgc', 'upgc', 'tdza', 'psza', 'pcf', 'pdc', 'mlfs', 'predictions', 'grading', 'sdp', 'pps', 'sta']) {
        copy.build(name, d, d);
      }
      const rebuilt = [...ROLLING, ['upcoming_player_game_context', 'game_date'], ['upcoming_team_game_context', 'game_date']] as const;
      for (const [table, column] of rebuilt) {
        const sql = `SELECT * FROM ${table} WHERE ${column} = ? ORDER BY 1, 2, 3`;
        const original = w.query(sql, d);
        expect(original.length, table).toBeGreaterThan(0);
        expect(copy.query(sql, d), table).toEqual(original);
      }
    } finally {
      copy.remove();
    }
  });
});
