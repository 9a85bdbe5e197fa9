import { afterAll, describe, expect, it } from 'vitest';
import { gameDatesBetween } from '../../example/schedule.mjs';
import { makeWarehouse } from './helpers.js';

const RAW = [
  ['schedule', 'nba_schedule', 'game_id'],
  ['boxscores', 'nba_player_boxscores', 'player_id'],
  ['team_boxscores', 'nba_team_boxscores', 'team'],
  ['props', 'odds_player_props', 'player_id'],
] as const;

const range = makeWarehouse();
const single = makeWarehouse();
afterAll(() => {
  range.remove();
  single.remove();
});

describe('example raw data (phase 2)', () => {
  it('generates the same rows for a date alone as inside a range', () => {
    for (const [name, table, key] of RAW) {
      range.build(name, '2022-01-03', '2022-01-09');
      single.build(name, '2022-01-06', '2022-01-06');
      const rows = (w: typeof range) => w.query(`SELECT * FROM ${table} WHERE game_date = '2022-01-06' ORDER BY ${key}`);
      expect(rows(single).length, table).toBeGreaterThan(0);
      expect(rows(single), table).toEqual(rows(range));
    }
  });

  it('looks like a league night: ~10 players a team, points add up, a line per rotation player', () => {
    const games = range.query<{ game_date: string; n: number }>('SELECT game_date, COUNT(*) AS n FROM nba_schedule GROUP BY game_date ORDER BY game_date');
    // Every game date of the week built in the first test, so the check below is not vacuous.
    expect(games.map((g) => g.game_date)).toEqual(gameDatesBetween('2022-01-03', '2022-01-09'));
    expect(games.map((g) => g.n).every((n) => n >= 1 && n <= 15)).toBe(true);
    expect(new Set(games.map((g) => g.n)).size).toBeGreaterThan(1);
    const perTeam = range.query<{ players: number }>('SELECT COUNT(*) AS players FROM nba_player_boxscores GROUP BY game_date, team');
    const mean = perTeam.reduce((sum, t) => sum + t.players, 0) / perTeam.length;
    expect(mean).toBeGreaterThan(8);
    expect(mean).toBeLessThan(12);
    const mismatched = range.query(`
      SELECT t.game_date, t.team FROM nba_team_boxscores t
      JOIN nba_player_boxscores p ON p.game_date = t.game_date AND p.team = t.team
      GROUP BY t.game_date, t.team HAVING SUM(p.points) <> MAX(t.points)
        OR SUM(p.paint_fga + p.mid_fga + p.fg3a) <> MAX(t.fga)`);
    expect(mismatched).toEqual([]);
    const box = range.query<{ points: number; zones: number }>(
      'SELECT points, 2 * (paint_fgm + mid_fgm) + 3 * fg3m + ftm AS zones FROM nba_player_boxscores');
    expect(box.length).toBeGreaterThan(0);
    expect(box.every((b) => b.points === b.zones)).toBe(true);
    const lines = range.query<{ n: number }>('SELECT COUNT(*) AS n FROM odds_player_props');
    expect(lines[0]?.n).toBeGreaterThan(0);
    const unpriced = range.query(`
      SELECT o.player_id FROM odds_player_props o
      LEFT JOIN nba_player_boxscores p ON p.game_date = o.game_date AND p.player_id = o.player_id
      WHERE p.player_id IS NULL OR o.points_line <> CAST(o.points_line AS INTEGER) + 0.5`);
    expect(unpriced).toEqual([]);
  });

  it('keeps each player on one team for the whole season', () => {
    const movers = range.query('SELECT player_id FROM nba_player_boxscores GROUP BY player_id HAVING COUNT(DISTINCT team) > 1');
    expect(movers).toEqual([]);
    const teams = range.query<{ n: number }>('SELECT COUNT(DISTINCT team) AS n FROM nba_team_boxscores');
    expect(teams[0]?.n).toBe(30);
  });
});
