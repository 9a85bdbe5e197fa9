import { afterAll, describe, expect, it } from 'vitest';
import { makeWarehouse } from './helpers.js';

const w = makeWarehouse();
afterAll(() => w.remove());

describe('example processor arguments', () => {
  it.each([
    [[], /^pgs: --start-date is required \(usage: node example\/jobs\/pgs\.mjs --start-date YYYY-MM-DD --end-date YYYY-MM-DD\)$/],
    [['--start-date', '2022-01-05'], /^pgs: --end-date is required/],
    [['--start-date', '2022-13-01', '--end-date', '2022-12-01'], /^pgs: --start-date must be a date written YYYY-MM-DD, got "2022-13-01"$/],
    [['--start-date', '2022-01-05', '--end-date', '2022-1-6'], /^pgs: --end-date must be a date written YYYY-MM-DD, got "2022-1-6"$/],
    [['--start-date', '2022-01-06', '--end-date', '2022-01-05'], /^pgs: --start-date 2022-01-06 is after --end-date 2022-01-05$/],
    [['--start-date', '2022-01-05', '--end-date', '2022-01-06', '--shard', '3'], /^pgs: Unknown option '--shard'/],
    [['2022-01-05', '2022-01-06'], /^pgs: Unexpected argument '2022-01-05'/],
  ])('exits 2 with one line for %j', (args, message) => {
    const result = w.run('pgs', args);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 1 naming the missing input instead of writing nothing', () => {
    const fresh = w.run('pcf', ['--start-date', '2021-11-02', '--end-date', '2021-11-05']);
    expect(fresh.status).toBe(1);
    expect(fresh.stderr).toBe('pcf: input table player_shot_zone_analysis does not exist yet; run its processor first\n');
    w.build('schedule', '2021-11-02', '2021-11-03');
    const partial = w.run('utgc', ['--start-date', '2021-11-02', '--end-date', '2021-11-05']);
    expect(partial.status).toBe(1);
    expect(partial.stderr).toBe('utgc: input nba_schedule has no rows for 2 of 4 dates (2021-11-04, 2021-11-05)\n');
  });

  it('succeeds with nothing to do on a range without games', () => {
    const result = w.run('pgs', ['--start-date', '2022-07-01', '--end-date', '2022-07-31']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/COMPLETE 0 dates, 0 rows\n$/);
  });
});
