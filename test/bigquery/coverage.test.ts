// Coverage on BigQuery through the real CLI: one INFORMATION_SCHEMA.PARTITIONS query per dataset
// for day-partitioned tables, SELECT DISTINCT for the others, and what each query carried.
import { describe, expect, it } from 'vitest';
import {
  compact,
  DEFAULT_CAP,
  days,
  isDistinctQuery,
  isPartitionsQuery,
  param,
  seedTable,
  sentQueries,
  type BigQueryRig,
  type SentQuery,
  tablesGets,
  withRig,
} from './cli-rig.js';
import type { FakeBigQuery } from './fake-server.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const CAP = 1_000_000_000;
const LABELS = { team: 'data-eng', env: 'test' };
const RUN_LABEL = /^\d{8}-\d{6}(-\d+)?$/;
const LABEL_VALUE = /^[a-z0-9_-]{1,63}$/;

// Two datasets of two day-partitioned tables each; weekly has no partition at all yet.
const PRESENT: Record<string, string[]> = {
  'src.events': ALL.filter((d) => d !== '2024-01-03' && d !== '2024-01-07'),
  'src.clicks': ALL.slice(0, 5),
  'mart.daily': ALL.slice(0, 2),
  'mart.weekly': [],
};
const MISSING: Record<string, string[]> = {
  events: ['2024-01-03', '2024-01-07'],
  clicks: ALL.slice(5),
  daily: ALL.slice(2),
  weekly: ALL,
};

const TARGETS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
  clicks: { table: 'src.clicks', dateColumn: 'd', run: writer('src.clicks') },
  daily: { table: 'mart.daily', dateColumn: 'd', deps: ['events'], sql: 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d' },
  weekly: { table: 'mart.weekly', dateColumn: 'd', deps: ['daily'], run: writer('mart.weekly') },
}`;

function seedTwoDatasets(fake: FakeBigQuery): void {
  for (const [table, dates] of Object.entries(PRESENT)) {
    // Partitions just outside the range must not count: @from/@to bound the metadata query.
    seedTable(fake, table, dates.length > 0 ? ['2023-12-31', ...dates, '2024-01-11'] : []);
  }
}

const twoDatasets = { targets: TARGETS, range: RANGE, warehouse: `maximumBytesBilled: ${CAP}, labels: ${JSON.stringify(LABELS)}` };

/** Checks one PARTITIONS query: its SQL, parameters, cap and labels. */
function expectPartitionsQuery(q: SentQuery, dataset: string, tables: string[], cap: string, labels: Record<string, string>): void {
  expect(q.sql).toContain(`\`test-project.${dataset}.INFORMATION_SCHEMA.PARTITIONS\``);
  expect(q.sql).toMatch(/table_name IN UNNEST\(@tables\)/);
  expect(q.sql).toMatch(/partition_id BETWEEN @from AND @to/);
  expect(q.sql).toMatch(/total_rows > 0/);
  expect(q.sql).toMatch(/last_modified_time/);
  expect((param(q, 'tables')?.value as string[]).slice().sort()).toEqual(tables);
  expect(param(q, 'tables')?.type).toBe('ARRAY<STRING>');
  expect(param(q, 'from')).toEqual({ type: 'STRING', value: compact(RANGE[0]) });
  expect(param(q, 'to')).toEqual({ type: 'STRING', value: compact(RANGE[1]) });
  expect(q.maximumBytesBilled).toBe(cap);
  expect(q.location).toBe('US');
  expect(q.dryRun).toBe(false);
  expect(q.labels).toMatchObject(labels);
  expect(q.labels.bftask_target).toBe('coverage');
  expect(q.labels.bftask_run).toMatch(RUN_LABEL);
}

/**
 * Runs a read-only command and returns what it sent, checked for the two-dataset layout; the
 * dry-run jobs (a plan's cost estimates) apart.
 */
async function readOnly(rig: BigQueryRig, args: string[]): Promise<{ stdout: string; queries: SentQuery[]; dryRuns: SentQuery[] }> {
  const from = rig.fake.requests.length;
  const result = await rig.bftask(args);
  expect(result.stderr).toBe('');
  const sent = rig.since(from);
  const queries = sentQueries(sent).filter((q) => !q.dryRun);
  // One metadata query per dataset and nothing else that runs: no scan, no write.
  expect(queries).toHaveLength(2);
  expect(queries.every(isPartitionsQuery)).toBe(true);
  const byDataset = new Map(queries.map((q) => [/`test-project\.(\w+)\.INFORMATION_SCHEMA/.exec(q.sql)?.[1], q]));
  expect([...byDataset.keys()].sort()).toEqual(['mart', 'src']);
  expectPartitionsQuery(byDataset.get('src')!, 'src', ['clicks', 'events'], String(CAP), LABELS);
  expectPartitionsQuery(byDataset.get('mart')!, 'mart', ['daily', 'weekly'], String(CAP), LABELS);
  // Both queries of one invocation carry the same run label.
  expect(byDataset.get('src')!.labels.bftask_run).toBe(byDataset.get('mart')!.labels.bftask_run);
  // Partitioning is learnt from tables.get, once per table.
  expect(tablesGets(sent).sort()).toEqual(['mart.daily', 'mart.weekly', 'src.clicks', 'src.events']);
  return { stdout: result.stdout, queries, dryRuns: sentQueries(sent).filter((q) => q.dryRun) };
}

describe.concurrent('coverage on BigQuery', () => {
  it('status and --dry-run --json send one PARTITIONS query per dataset and report exactly the missing dates', async () => {
    await withRig(twoDatasets, seedTwoDatasets, async (rig) => {
      const status = await readOnly(rig, ['status', '--json']);
      expect(status.dryRuns).toEqual([]);
      const targets = (JSON.parse(status.stdout) as { targets: { name: string; expected: number; present: number; missing: string[] }[] }).targets;
      expect(Object.fromEntries(targets.map((t) => [t.name, t.missing]))).toEqual(MISSING);
      for (const t of targets) expect(t.present + t.missing.length, t.name).toBe(ALL.length);

      const plan = await readOnly(rig, ['--dry-run', '--json']);
      const pending = Object.fromEntries(
        (JSON.parse(plan.stdout) as { targets: { name: string; pending: string[] }[] }).targets.map((t) => [t.name, t.pending]),
      );
      // daily also waits for events' missing dates, and weekly for daily's; all within what is missing.
      expect(pending).toEqual({ events: MISSING.events, clicks: MISSING.clicks, daily: MISSING.daily, weekly: ALL });
      // Besides coverage, the plan's cost: a dry-run job per pending date of the SQL target, none for commands.
      // (Sent 8 at once: sorted, as they may arrive in any order.)
      const dryRuns = plan.dryRuns.map((q) => [q.labels.bftask_target, param(q, 'start')?.value, param(q, 'end')?.value].join(' ')).sort();
      expect(dryRuns).toEqual(MISSING.daily!.map((d) => `daily ${d} ${d}`));
      // Nothing ran: no step wrote anything.
      expect(rig.fake.partitions('mart.weekly')).toEqual([]);
    });
  });

  it('a partition emptied by a DELETE (total_rows = 0) counts as missing', async () => {
    await withRig(
      { targets: `{ events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') } }`, range: RANGE },
      (fake) => seedTable(fake, 'src.events', ALL),
      async (rig) => {
        expect(rig.fake.partitions('src.events').map((p) => p.partitionId)).toContain('20240104');
        const { BigQuery } = await import('@google-cloud/bigquery');
        const { PassThroughClient } = await import('google-auth-library');
        const bq = new BigQuery({ projectId: 'test-project', apiEndpoint: rig.fake.url, authClient: new PassThroughClient() });
        // The partition stays in the metadata, with total_rows 0.
        await bq.query("DELETE FROM src.events WHERE d = '2024-01-04'");
        expect(rig.fake.partitions('src.events').find((p) => p.partitionId === '20240104')?.totalRows).toBe(0);

        const from = rig.fake.requests.length;
        const result = await rig.bftask(['status', '--json']);
        expect(result.stderr).toBe('');
        expect(JSON.parse(result.stdout).targets[0].missing).toEqual(['2024-01-04']);
        const [q] = sentQueries(rig.since(from));
        // Without a cap or labels configured: the 10 GiB default and only bftask's own labels.
        expectPartitionsQuery(q!, 'src', ['events'], DEFAULT_CAP, {});
        expect(Object.keys(q!.labels).sort()).toEqual(['bftask_run', 'bftask_target']);
      },
    );
  });

  it('tables not day-partitioned on the date column fall back to SELECT DISTINCT with DATE parameters that carry values; results span pages', async () => {
    const fallbacks = {
      'raw.logs': { dates: ['2023-12-31', '2024-01-01', '2024-01-02', '2024-01-05', '2024-01-11'], options: { unpartitioned: true } },
      'raw.hits': { dates: ALL.slice(0, 4), options: { partitionField: 'ts' } },
      'raw.monthly': { dates: ['2024-01-01', '2024-01-10'], options: { partitionType: 'MONTH' as const } },
    };
    const targets = `{
      applogs: { table: 'raw.logs', dateColumn: 'd', run: writer('raw.logs') },
      hits: { table: 'raw.hits', dateColumn: 'd', run: writer('raw.hits') },
      monthly: { table: 'raw.monthly', dateColumn: 'd', run: writer('raw.monthly') },
      events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
    }`;
    await withRig(
      { targets, range: RANGE },
      (fake) => {
        for (const [table, { dates, options }] of Object.entries(fallbacks)) seedTable(fake, table, dates, options);
        seedTable(fake, 'src.events', ALL.slice(1));
        // Two rows a page: every result here but monthly's (2 dates) spans several.
        fake.options.pageSize = 2;
      },
      async (rig) => {
        const from = rig.fake.requests.length;
        const result = await rig.bftask(['status', '--json']);
        expect(result.stderr).toBe('');
        const missing = Object.fromEntries(
          (JSON.parse(result.stdout) as { targets: { name: string; missing: string[] }[] }).targets.map((t) => [t.name, t.missing]),
        );
        const inRange = (dates: string[]) => dates.filter((d) => d >= RANGE[0] && d <= RANGE[1]);
        expect(missing).toEqual({
          applogs: ALL.filter((d) => !inRange(fallbacks['raw.logs'].dates).includes(d)),
          hits: ALL.slice(4),
          monthly: ALL.filter((d) => !fallbacks['raw.monthly'].dates.includes(d)),
          events: ['2024-01-01'],
        });

        const queries = sentQueries(rig.since(from));
        const distinct = queries.filter(isDistinctQuery);
        // The day-partitioned table still goes through metadata, alone in its dataset; raw has no PARTITIONS query.
        expect(queries.filter(isPartitionsQuery).map((q) => /`test-project\.(\w+)\./.exec(q.sql)?.[1])).toEqual(['src']);
        expect(queries).toHaveLength(4);
        expect(distinct.map((q) => /FROM `(test-project\.raw\.\w+)`/.exec(q.sql)?.[1]).sort()).toEqual([
          'test-project.raw.hits',
          'test-project.raw.logs',
          'test-project.raw.monthly',
        ]);
        // Each was read to its last page: 9 partition rows, 3 and 4 dates, 2 to a page: after the
        // first, 4 more pages of partitions, 1 of logs, 1 of hits.
        const pages = rig.since(from).filter((r) => r.method === 'GET' && r.path.includes('/queries/') && r.query.pageToken !== undefined);
        const readOf = (path: string) => {
          const job = rig.fake.jobs().find((j) => path.endsWith(`/queries/${j.jobId}`))!;
          return isPartitionsQuery(job) ? 'partitions' : /FROM `test-project\.raw\.(\w+)`/.exec(job.sql)?.[1];
        };
        expect(pages.map((p) => readOf(p.path)).sort()).toEqual(['hits', 'logs', 'partitions', 'partitions', 'partitions', 'partitions']);
        for (const q of distinct) {
          expect(q.sql).toMatch(/SELECT DISTINCT `d`[\s\S]*WHERE `d` BETWEEN @start AND @end/);
          // BigQuery.date(...): a plain string typed DATE would arrive as parameterValue {} (NULL).
          expect(param(q, 'start')).toEqual({ type: 'DATE', value: RANGE[0] });
          expect(param(q, 'end')).toEqual({ type: 'DATE', value: RANGE[1] });
          expect(q.maximumBytesBilled).toBe(DEFAULT_CAP);
          expect(q.labels.bftask_target).toBe('coverage');
          expect(q.labels.bftask_run).toMatch(RUN_LABEL);
        }
      },
    );
  });

  it('--dry-run prints what each coverage query processed, as the jobs reported it', async () => {
    const bytes = { src: 11_000_000, mart: 12_500_000 };
    await withRig(twoDatasets, seedTwoDatasets, async (rig) => {
      rig.fake.options.bytesPerQuery = (sql) => (sql.includes('`test-project.src.') ? bytes.src : bytes.mart);
      // As in BigQuery, jobs.insert answers before the job is done, without statistics.
      rig.fake.options.incompletePolls = 1;
      const { stdout } = await readOnly(rig, ['--dry-run']);
      const n = (x: number) => x.toLocaleString('en-US');
      expect(stdout).toContain(
        `coverage: 2 queries (2 INFORMATION_SCHEMA.PARTITIONS, one per dataset; 0 SELECT DISTINCT) · ${n(bytes.src + bytes.mart)} bytes processed`,
      );
      expect(stdout).toContain(`cap ${n(CAP)} bytes per query`);
      expect(stdout).toMatch(new RegExp(`partitions +test-project\\.src +${n(bytes.src)} bytes`));
      expect(stdout).toMatch(new RegExp(`partitions +test-project\\.mart +${n(bytes.mart)} bytes`));
    });
  });

});
