import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_GAME_DATES, bootstrapDates, gameDates, gameDatesBetween, gameDay, RANGE, SEASONS } from '../../example/schedule.mjs';
import { daysBetween } from '../../example/lib/dates.mjs';

/** Game dates grouped by season id. */
function bySeason(): Map<string, string[]> {
  const seasons = new Map<string, string[]>();
  for (const date of gameDates) {
    const season = gameDay(date)?.season ?? 'none';
    seasons.set(season, [...(seasons.get(season) ?? []), date]);
  }
  return seasons;
}

describe('example schedule', () => {
  it('has exactly the 918 game dates of the real backfill, sorted and in range', () => {
    expect(gameDates).toHaveLength(918);
    expect([...gameDates].sort()).toEqual(gameDates);
    expect(new Set(gameDates).size).toBe(918);
    expect(gameDates[0]).toBe(RANGE.start);
    expect(gameDates.at(-1)).toBe(RANGE.end);
  });

  it('touches five seasons, and bootstraps the first 14 game dates of each: 70 dates, 848 left', () => {
    const seasons = bySeason();
    expect([...seasons.keys()]).toEqual(SEASONS.map((s) => s.id));
    expect(BOOTSTRAP_GAME_DATES).toBe(14);
    expect(bootstrapDates).toEqual([...seasons.values()].flatMap((dates) => dates.slice(0, 14)));
    expect(bootstrapDates).toHaveLength(70);
    expect(gameDatesBetween(RANGE.start, RANGE.end, true)).toHaveLength(848);
  });

  it('pauses for the All-Star break in every February it covers', () => {
    for (const year of ['2022', '2023', '2024', '2025']) {
      const february = gameDates.filter((d) => d.startsWith(`${year}-02`));
      const longestGap = Math.max(...february.slice(1).map((d, i) => daysBetween(february[i] ?? d, d)));
      // A gap of 5+ days means 4+ days without games; a normal season never rests that long.
      expect(longestGap, year).toBeGreaterThanOrEqual(5);
    }
  });

  it('plays nothing in the off-season and keeps the usual season shape', () => {
    expect(gameDates.filter((d) => ['07', '08', '09'].includes(d.slice(5, 7)))).toEqual([]);
    for (const [season, dates] of bySeason()) {
      const first = dates[0] ?? '';
      expect(first.slice(5, 7), season).toBe('10');
      if (season !== '2025-26') {
        const last = dates.at(-1) ?? '';
        expect(last.slice(5, 7), season).toBe('06');
        expect(dates.length, season).toBeGreaterThan(200);
      }
    }
  });

  it('schedules about ten games on a busy night and only one in the Finals', () => {
    const days = gameDates.map((d) => gameDay(d));
    const regular = days.filter((d) => d?.kind === 'regular').map((d) => d?.games ?? 0);
    expect(Math.max(...regular)).toBeGreaterThanOrEqual(12);
    expect(Math.min(...regular)).toBeGreaterThanOrEqual(1);
    expect(regular.reduce((a, b) => a + b, 0) / regular.length).toBeGreaterThan(6);
    const finals = days.filter((d) => d?.round === 4);
    expect(finals.length).toBeGreaterThan(0);
    expect(finals.every((d) => d?.games === 1)).toBe(true);
  });
});
