import { describe, expect, it } from 'vitest';
import { addDays, eachDay, isIsoDate, runsIn } from '../../src/util/dates.js';
import { didYouMean } from '../../src/util/suggest.js';

describe('dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-1-05', false],
    ['2024-01-05T00:00', false],
    [20240105, false],
  ])('isIsoDate(%s) is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
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

describe('didYouMean', () => {
  it('suggests the closest name within a small distance', () => {
    expect(didYouMean('mfls', ['mlfs', 'pcf', 'pdc'])).toBe(' — did you mean "mlfs"?');
    expect(didYouMean('zzzzzz', ['mlfs', 'pcf'])).toBe('');
  });
});
