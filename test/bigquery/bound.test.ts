// BigQuery's per-table update quotas: bftask keeps at most maxTableWrites write jobs in flight
// per table, across the dates of one step and across steps of the same table. And coverage
// queries run at most 8 at once.
import { describe, expect, it } from 'vitest';
import { days, isDistinctQuery, maxOverlap, seedTable, withRig, writeIntervals } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';

/** Builds `out` (one SQL target over RANGE) and returns the most write jobs on mart.out in flight at once. */
async function peakWrites(maxTableWrites: number, steps: number, target = ''): Promise<number> {
  const targets = `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)}${target} } }`;
  return withRig(
    { targets, range: RANGE, warehouse: `maxTableWrites: ${maxTableWrites}` },
    (fake) => {
      seedTable(fake, 'src.events', ALL);
      fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
      // Every job answers "still running" twice before it is done, so a job stays in flight
      // across several requests and jobs that overlap are seen to.
      fake.options.incompletePolls = 2;
    },
    async (rig) => {
      const result = await rig.bftask(['-j', '5']);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(`✔ ${steps} step${steps === 1 ? "" : "s"}, ${ALL.length} dates built`);
      const intervals = writeIntervals(rig.fake.requests, 'mart.out');
      expect(intervals.map((i) => i.job).sort()).toEqual(ALL.map((d) => `mart.out$${d.replaceAll('-', '')}`));
      // Each job was polled until done: its interval spans the two "still running" answers.
      for (const i of intervals) expect(i.to - i.from).toBeGreaterThanOrEqual(2);
      expect(rig.fake.rows('mart.out').map((r) => r.d).sort()).toEqual(ALL);
      return maxOverlap(intervals);
    },
  );
}

describe.concurrent('per-table write bound', () => {
  it('maxTableWrites: 1 — the 5 dates of one step are written one job at a time', async () => {
    expect(await peakWrites(1, 1)).toBe(1);
  });

  it('maxTableWrites: 1 holds across steps of the same table (shard: 1, -j 5)', async () => {
    expect(await peakWrites(1, ALL.length, ', shard: 1')).toBe(1);
  });

  it('the measurement sees overlap: with maxTableWrites: 3 jobs do overlap, never more than 3', async () => {
    const peak = await peakWrites(3, 1);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe('read bound', () => {
  it('at most 8 coverage queries run at once, by the server\'s record of its jobs', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const targets = `{ ${names.map((n) => `${n}: { table: 'raw.${n}', dateColumn: 'd', run: writer('raw.${n}') }`).join(', ')} }`;
    await withRig(
      { targets, range: RANGE },
      (fake) => {
        // Not day-partitioned: each table is one SELECT DISTINCT, each RUNNING for 3 reports.
        for (const n of names) seedTable(fake, `raw.${n}`, ALL, { unpartitioned: true });
        fake.options.incompletePolls = 3;
      },
      async (rig) => {
        const result = await rig.bftask(['status']);
        expect(result.stderr).toBe('');
        expect(result.code, result.stdout).toBe(0);
        const scans = rig.fake.jobs().filter(isDistinctQuery);
        expect(scans).toHaveLength(names.length);
        // A job is running from the request that created it to the one that found it done.
        expect(maxOverlap(scans.map((j) => ({ from: j.createdAt, to: j.doneAt! })))).toBe(8);
      },
    );
  });
});
