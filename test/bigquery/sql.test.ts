// Every SQL string sent to BigQuery during a status and a build parses as BigQuery SQL.
import { parse } from 'sql-parser-cst';
import { expect, it } from 'vitest';
import { days, isDistinctQuery, isPartitionsQuery, seedTable, sentQueries, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';

const parseBigQuery = (sql: string) => parse(sql, { dialect: 'bigquery', paramTypes: ['@name'] });

const TARGETS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
  applogs: { table: 'raw.logs', dateColumn: 'd', run: writer('raw.logs') },
  stamps: { table: 'raw.stamps', dateColumn: 'ts', run: writer('raw.stamps') },
  out: { table: 'mart.out', dateColumn: 'd', deps: ['events'], sql: ${JSON.stringify(SQL)} },
}`;

it('every query bftask sends parses with sql-parser-cst in the bigquery dialect', async () => {
  await withRig(
    // A calendar table: its dates are read with SELECT DISTINCT too.
    { targets: TARGETS, range: RANGE, extra: `calendar: { table: 'raw.cal', dateColumn: 'd' },` },
    (fake) => {
      seedTable(fake, 'src.events', ALL);
      seedTable(fake, 'raw.logs', ALL, { unpartitioned: true });
      seedTable(fake, 'raw.cal', ALL, { unpartitioned: true });
      // A TIMESTAMP date column is read through DATE(ts) with TIMESTAMP bounds; seedTable puts
      // ts a day after d, so these rows cover the range.
      seedTable(fake, 'raw.stamps', ['2023-12-31', ...ALL.slice(0, -1)], { unpartitioned: true });
      fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
    },
    async (rig) => {
      const status = await rig.bftask(['status']);
      expect(status.stderr).toBe('');
      const build = await rig.bftask([]);
      expect(build.stderr).toBe('');
      expect(build.code, build.stdout).toBe(0);

      const queries = sentQueries(rig.fake.requests);
      // All three kinds were sent, so the check below covers each generator.
      expect(queries.filter(isPartitionsQuery).length).toBeGreaterThanOrEqual(2);
      expect(queries.filter(isDistinctQuery).map((q) => /FROM `([^`]+)`/.exec(q.sql)?.[1])).toEqual(
        expect.arrayContaining(['test-project.raw.logs', 'test-project.raw.cal', 'test-project.raw.stamps']),
      );
      expect(queries.some((q) => q.sql.includes('DATE(`ts`)'))).toBe(true);
      expect(queries.filter((q) => q.destination !== undefined)).toHaveLength(ALL.length);
      for (const q of queries) expect(() => parseBigQuery(q.sql), q.sql).not.toThrow();
    },
  );
});

it('the parser is strict enough to catch a broken query', () => {
  expect(() => parseBigQuery('SELECT table_name FROM `p.d.INFORMATION_SCHEMA.PARTITIONS` WHERE table_name IN UNNEST(@tables')).toThrow(/Syntax Error/);
  // A parameter style BigQuery does not have.
  expect(() => parseBigQuery('SELECT DISTINCT `d` AS d FROM `p.d.t` WHERE `d` BETWEEN ? AND ?')).toThrow(/Syntax Error/);
});
