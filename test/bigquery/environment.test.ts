// What the README promises about names and environment, through the real CLI: table names of 1,
// 2 and 3 parts (the first resolved against `dataset`), BIGQUERY_EMULATOR_HOST used instead of
// apiEndpoint (for bftask's requests, its credentials and its steps), the variables a command step
// gets, and a command that exits 0 without writing a date.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { compact, days, PROJECT, seedTable, sentQueries, tablesGets, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const ALL = days(...RANGE);
const TARGETS = `{
  events: { table: 'events', dateColumn: 'd', run: writer('src.events') },
  clicks: { table: 'mart.clicks', dateColumn: 'd', run: writer('mart.clicks', '--skip', '2024-01-02'), bisect: false },
  daily: { table: '${PROJECT}.mart.daily', dateColumn: 'd', deps: ['events'], sql: 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d' },
}`;

it('1-, 2- and 3-part table names, BIGQUERY_EMULATOR_HOST over apiEndpoint, step variables, and a step that exits 0 without writing', async () => {
  await withRig(
    // apiEndpoint names a remote host: were it used, bftask would look for credentials (and the
    // metadata-server trap would see it) or fail to connect.
    { targets: TARGETS, range: RANGE, warehouse: `dataset: 'src'`, endpoint: 'https://bigquery.invalid' },
    (fake) => {
      seedTable(fake, 'src.events', []);
      seedTable(fake, 'mart.clicks', []);
    },
    async (rig) => {
      const { fake } = rig;
      const result = await rig.bftask([], { env: { BIGQUERY_EMULATOR_HOST: fake.url } });
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(1);
      // The writer of clicks skipped a date and exited 0: that step fails, naming the date.
      expect(result.stdout).toMatch(/^ {2}clicks 2024-01-01\.\.2024-01-03 +exited 0 but 2024-01-02 still missing from mart\.clicks$/m);
      expect(result.stdout).toMatch(/^✖ 1 step failed, 2 targets complete, 1 incomplete/m);

      // Every request went to the emulator host as given: no /bigquery/v2 prefix.
      expect(fake.requests.length).toBeGreaterThan(0);
      expect(fake.requests.filter((r) => r.path.startsWith('/bigquery/v2'))).toEqual([]);
      // 'events' is src.events (the default dataset), 'mart.clicks' as written, and the 3-part name in its project.
      expect(new Set(tablesGets(fake.requests))).toEqual(new Set(['src.events', 'mart.clicks', 'mart.daily']));
      expect(fake.partitions('src.events').map((p) => p.partitionId)).toEqual(ALL.map(compact));
      const daily = sentQueries(fake.requests).filter((q) => q.destination?.startsWith('mart.daily$'));
      expect(daily.map((q) => q.destination).sort()).toEqual(ALL.map((d) => `mart.daily$${compact(d)}`));
      expect(fake.rows('mart.daily').map((r) => r.d).sort()).toEqual(ALL);
      const runs = fs
        .readFileSync(path.join(rig.project.dir, 'writer.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(runs).toHaveLength(2);
      for (const run of runs) {
        expect(run).toMatchObject({ warehouse: 'bigquery', project: PROJECT, location: 'US', dataset: 'src', emulator: fake.url, credentials: null });
      }
    },
  );
});
