// The cost of a plan on BigQuery: --dry-run dry-runs each SQL target's job for each pending date
// and shows what it would bill, the rough price and any job over maximumBytesBilled.
import { describe, expect, it } from 'vitest';
import { param, seedTable, sentQueries, withRig } from './cli-rig.js';
import type { FakeBigQuery } from './fake-server.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const RANGE = ['2024-01-01', '2024-01-03'] as const;
const RANGE_DATES = ['2024-01-01', '2024-01-02', '2024-01-03'];
/** What the fake says each date's job over src.events would process. */
const BYTES: Record<string, number> = { '2024-01-01': 400 * GIB, '2024-01-02': 400 * GIB, '2024-01-03': 460_422_395_085 };
const billed = (b: number) => Math.ceil(b / MIB) * MIB;
const TOTAL = Object.values(BYTES).reduce((n, b) => n + billed(b), 0);

const TARGETS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
  daily: { table: 'mart.daily', dateColumn: 'd', deps: ['events'], sql: 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d' },
  weekly: { table: 'mart.weekly', dateColumn: 'd', deps: ['daily'], sql: 'SELECT d, SUM(n) AS n FROM mart.daily WHERE d BETWEEN @start AND @end GROUP BY d' },
}`;

function seed(fake: FakeBigQuery): void {
  seedTable(fake, 'src.events', ['2024-01-01', '2024-01-02', '2024-01-03']);
  // The mart dataset exists; daily (which weekly reads) does not yet.
  seedTable(fake, 'mart.other', []);
  fake.options.bytesPerQuery = (sql, params) => (sql.includes('src.events') ? (BYTES[String(params.start)] ?? 0) : 10 * MIB);
}

describe.concurrent('the cost of a plan on BigQuery', () => {
  it('--dry-run bills each pending date of each SQL target by a dry run, totals it, prices it and flags jobs over the cap', async () => {
    await withRig({ targets: TARGETS, range: RANGE, warehouse: `maximumBytesBilled: ${420 * GIB}` }, seed, async (rig) => {
      const text = await rig.bftask(['--dry-run']);
      expect(text.stderr).toBe('');
      expect(text.code).toBe(0);
      const lines = text.stdout.split('\n').map((l) => l.trim());
      const at = lines.indexOf('cost of the SQL targets, from BigQuery dry runs (one per pending date, as each runs; free):');
      expect(at).toBeGreaterThan(0);
      expect(lines.slice(at + 1, at + 6)).toEqual([
        'daily   3 jobs  ≈ 1.2 TiB',
        'weekly  3 jobs  not estimated',
        'total   6 jobs  ≈ 1.2 TiB, about $7.50 at $6.25/TiB (without the targets not estimated)',
        '! daily: 1 date over maximumBytesBilled (420.0 GiB): 2024-01-03 (428.8 GiB): its job would fail, unbilled; raise warehouse.maximumBytesBilled or narrow the query',
        expect.stringMatching(/^\? weekly: not estimated: dry run for 2024-01-0\d: not found: Table test-project:mart\.daily /),
      ]);

      // Each of daily's dates was dry-run as it would run: @start = @end = the date, labelled with the target.
      const dry = sentQueries(rig.fake.requests).filter((q) => q.dryRun);
      const daily = dry.filter((q) => q.labels.bftask_target === 'daily');
      expect(daily.map((q) => [param(q, 'start'), param(q, 'end')])).toEqual(
        RANGE_DATES.map((d) => [{ type: 'DATE', value: d }, { type: 'DATE', value: d }]),
      );
      expect(daily.every((q) => q.destination === undefined && q.via === 'jobs.insert')).toBe(true);
      // Nothing ran: the only jobs are coverage reads, no write, no step.
      expect(rig.fake.jobs().every((j) => j.labels.bftask_target === 'coverage')).toBe(true);

      const json = await rig.bftask(['--dry-run', '--json']);
      const targets = new Map((JSON.parse(json.stdout) as { targets: Record<string, unknown>[] }).targets.map((t) => [t.name, t]));
      expect(targets.get('daily')).toMatchObject({ estimatedBytes: TOTAL, overCap: [{ date: '2024-01-03', bytes: billed(BYTES['2024-01-03']!) }] });
      expect(targets.get('weekly')).toMatchObject({ estimatedBytes: null, estimateError: expect.stringContaining('mart.daily') });
      expect(targets.get('events')).not.toHaveProperty('estimatedBytes');
    });
  });
});
