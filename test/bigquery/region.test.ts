// A regional location end to end: in europe-west1 BigQuery finds a job only when asked with its
// location, as the test server does, so every lookup bftask (and a step's own client) makes must
// carry it.
import { expect, it } from 'vitest';
import { compact, days, seedTable, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const ALL = days(...RANGE);
const TARGETS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
  daily: { table: 'mart.daily', dateColumn: 'd', deps: ['events'], sql: 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d' },
}`;

it('europe-west1: coverage, a command target and a SQL target, with every job looked up in its location', async () => {
  await withRig(
    { targets: TARGETS, range: RANGE, location: 'europe-west1' },
    (fake) => {
      seedTable(fake, 'src.events', ALL.slice(0, 1));
      // The dataset mart exists; daily does not yet (its first write creates it).
      fake.createTable('mart.readme', [{ name: 'text', type: 'STRING' }]);
      // Every job is RUNNING at first, so it is looked up at least once.
      fake.options.incompletePolls = 1;
    },
    async (rig) => {
      const result = await rig.bftask([]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      expect(rig.fake.partitions('src.events').map((p) => p.partitionId)).toEqual(ALL.map(compact));
      expect(rig.fake.rows('mart.daily').map((r) => r.d).sort()).toEqual(ALL);

      const jobs = rig.fake.jobs();
      expect(jobs.length).toBeGreaterThan(ALL.length);
      expect(new Set(jobs.map((j) => j.location))).toEqual(new Set(['europe-west1']));
      const lookups = rig.fake.requests.filter((r) => /\/(jobs|queries)\/[^/]+(\/cancel)?$/.test(r.path));
      expect(lookups.length).toBeGreaterThanOrEqual(jobs.length);
      expect(lookups.filter((r) => r.query.location !== 'europe-west1')).toEqual([]);
    },
  );
});
