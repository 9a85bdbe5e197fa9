import { describe, expect, it } from 'vitest';
import { addDays, dateProblem, eachDay, formatRun, isIsoDate, lowerBound, runsIn } from '../../src/util/dates.js';
import { didYouMean } from '../../src/util/suggest.js';

describe('dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-1-05', false],
    ['2024-01-05T00:00', false],
    [20240105, false],
    ['', false],
    [' 2024-01-05', false],
    ['2024-01-05 ', false],
    ['x2024-01-05', false],
    ['2024-01-05x', false],
    // Date.parse reads an extended year with a month alone; its ISO form starts the same way.
    ['+012024-01', false],
  ])('isIsoDate(%s) is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });

  it('isIsoDate agrees with a round trip through Date on every month and day, in leap and common years', () => {
    const roundTrip = (v: string) => {
      const ms = Date.parse(`${v}T00:00:00Z`);
      return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === v;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    let valid = 0;
    for (const year of ['0000', '1000', '1900', '1996', '2000', '2023', '2024', '2100', '9998', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${year}-${two(month)}-${two(day)}`;
          expect(isIsoDate(value), value).toBe(roundTrip(value));
          if (roundTrip(value)) valid++;
        }
      }
    }
    // 365 days in the six common years, 366 in the four leap years (0000, 1996, 2000, 2024).
    expect(valid).toBe(6 * 365 + 4 * 366);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2023-12-30', 3)).toBe('2024-01-02');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(eachDay('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('groups dates into runs that are consecutive in the calendar', () => {
    const calendar = ['2024-01-01', '2024-01-03', '2024-01-04', '2024-01-08', '2024-01-09'];
    expect(runsIn(['2024-01-01', '2024-01-03', '2024-01-08'], calendar)).toEqual([
      { start: '2024-01-01', end: '2024-01-03', count: 2 },
      { start: '2024-01-08', end: '2024-01-08', count: 1 },
    ]);
  });
});

describe('dateProblem', () => {
  it.each<[unknown, string | undefined]>([
    ['1000-01-01', undefined],
    ['9998-12-31', undefined],
    ['0999-12-31', 'is out of range: use a year from 1000 to 9998'],
    ['9999-01-01', 'is out of range: use a year from 1000 to 9998'],
    ['2024-02-30', 'is not a date: use YYYY-MM-DD'],
    [undefined, 'is not a date: use YYYY-MM-DD'],
  ])('%s: %s', (value, expected) => {
    expect(dateProblem(value)).toBe(expected);
  });
});

describe('runs of dates', () => {
  const calendar = ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06'];
  it.each<[string, string[], { start: string; end: string; count: number }[]]>([
    ['none', [], []],
    ['one', ['2024-01-02'], [{ start: '2024-01-02', end: '2024-01-02', count: 1 }]],
    ['one run across days missing from the calendar', calendar, [{ start: '2024-01-01', end: '2024-01-06', count: 4 }]],
    [
      'a date outside the calendar stands alone, even right after the calendar date before it',
      ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
      [
        { start: '2024-01-01', end: '2024-01-02', count: 2 },
        { start: '2024-01-03', end: '2024-01-03', count: 1 },
        { start: '2024-01-04', end: '2024-01-04', count: 1 },
        { start: '2024-01-05', end: '2024-01-05', count: 1 },
      ],
    ],
  ])('%s', (_, dates, expected) => {
    expect(runsIn(dates, calendar)).toEqual(expected);
  });

  it('formats a run as its date or start..end', () => {
    expect(formatRun({ start: '2024-01-03', end: '2024-01-03' })).toBe('2024-01-03');
    expect(formatRun({ start: '2024-01-03', end: '2024-01-05' })).toBe('2024-01-03..2024-01-05');
  });

  it.each<[string, number]>([
    ['2023-12-31', 0],
    ['2024-01-01', 0],
    ['2024-01-03', 2],
    ['2024-01-05', 2],
    ['2024-01-06', 3],
    ['2024-01-07', 4],
  ])('lowerBound of %s is %i', (date, expected) => {
    expect(lowerBound(calendar, date)).toBe(expected);
  });
});

describe('didYouMean', () => {
  it('suggests the closest name within a small distance', () => {
    expect(didYouMean('mfls', ['mlfs', 'pcf', 'pdc'])).toBe(' — did you mean "mlfs"?');
    expect(didYouMean('zzzzzz', ['mlfs', 'pcf'])).toBe('');
  });

  it('folds case, _ and -', () => {
    expect(didYouMean('team-boxscores', ['team_boxscores', 'boxscores'])).toBe(' — did you mean "team_boxscores"?');
    expect(didYouMean('DATE_COLUMN', ['dateColumn', 'table'])).toBe(' — did you mean "dateColumn"?');
  });

  it('names the longest name a typo starts with, or the only one that starts with the typo', () => {
    expect(didYouMean('jobName', ['job', 'jo', 'location'])).toBe(' — did you mean "job"?');
    expect(didYouMean('tableNameFull', ['table', 'tableName'])).toBe(' — did you mean "tableName"?');
    expect(didYouMean('date_col', ['dateColumn', 'deps'])).toBe(' — did you mean "dateColumn"?');
    // Two names start with it: no guess.
    expect(didYouMean('team', ['team_boxscores_all', 'team_defense_all'])).toBe('');
    // Under three letters is too little to go by.
    expect(didYouMean('pXYZW', ['p', 'pcf'])).toBe('');
  });
});
