// Data checks on BigQuery: minRows from PARTITIONS.total_rows (or the scan, grouped, for a table
// not day-partitioned), and check queries with DATE parameters.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPartitionsQuery, param, sentQueries, withRig } from './cli-rig.js';
import type { FakeBigQuery } from './fake-server.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const SCHEMA = [
  { name: 'd', type: 'DATE' },
  { name: 'user_id', type: 'STRING' },
];

/** `ref` with `rows` rows per date, except `thin`, which has one. */
function seedRows(fake: FakeBigQuery, ref: string, rows: number, thin: string, partitioned = true): void {
  fake.createTable(ref, SCHEMA, partitioned ? { partitionField: 'd' } : {});
  fake.insertRows(ref, DATES.flatMap((d) => Array.from({ length: d === thin ? 1 : rows }, (_, i) => ({ d, user_id: `u${i}` }))));
}

const pendingOf = (stdout: string) =>
  Object.fromEntries((JSON.parse(stdout) as { targets: { name: string; reasons: Record<string, string> }[] }).targets.map((t) => [t.name, t.reasons]));

describe.concurrent('data checks on BigQuery', () => {
  it('minRows reads row counts from the same PARTITIONS query (a scan counts them for other tables); a thin step fails', async () => {
    const targets = `{
      events: { table: 'src.events', dateColumn: 'd', minRows: 2, run: writer('src.events') },
      flat: { table: 'src.flat', dateColumn: 'd', minRows: 2, run: writer('src.flat') },
      short: { table: 'src.short', dateColumn: 'd', minRows: 3, bisect: false, run: writer('src.short', '--rows', '1') },
    }`;
    const seed = (fake: FakeBigQuery) => {
      seedRows(fake, 'src.events', 2, '2024-01-03');
      seedRows(fake, 'src.flat', 2, '2024-01-04', false);
      fake.createTable('src.short', SCHEMA, { partitionField: 'd' });
    };
    await withRig({ targets, range: RANGE }, seed, async (rig) => {
      const plan = await rig.bftask(['--dry-run', '--json']);
      expect(plan.stderr).toBe('');
      expect(pendingOf(plan.stdout)).toEqual({
        events: { '2024-01-03': 'check' },
        flat: { '2024-01-04': 'check' },
        short: Object.fromEntries(DATES.map((d) => [d, 'missing'])),
      });
      const queries = sentQueries(rig.fake.requests);
      // No query besides coverage: the partitioned table's counts come with its metadata.
      expect(queries).toHaveLength(2);
      expect(queries.filter(isPartitionsQuery)).toHaveLength(1);
      const scan = queries.find((q) => !isPartitionsQuery(q))!;
      expect(scan.sql).toBe('SELECT `d` AS d, COUNT(*) AS n\nFROM `test-project.src.flat`\nWHERE `d` BETWEEN @start AND @end\nGROUP BY 1');

      const from = rig.fake.requests.length;
      const run = await rig.bftask(['events']);
      expect(run.code).toBe(0);
      const written = fs.readFileSync(path.join(rig.project.dir, 'writer.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).dates);
      expect(written).toEqual([['2024-01-03']]);
      expect(rig.fake.partitions('src.events').find((p) => p.partitionId === '20240103')?.totalRows).toBe(2);
      // The check after the step: one more metadata query, about events, for its date.
      const after = sentQueries(rig.since(from)).filter((q) => q.labels.bftask_target === 'coverage');
      expect(after.map((q) => [param(q, 'tables')?.value, param(q, 'from')?.value, param(q, 'to')?.value])).toEqual([
        [['events'], '20240101', '20240105'],
        [['events'], '20240103', '20240103'],
      ]);

      const short = await rig.bftask(['short', '--from', '2024-01-02', '--to', '2024-01-02']);
      expect(short.code).toBe(1);
      expect(short.stdout).toContain('exited 0 but 2024-01-02 has 1 row, fewer than minRows 3');
    });
  });

  it('a check query runs once per plan with DATE @start/@end, and after each step for its dates; one that cannot run is exit 2', async () => {
    const targets = `{
      events: { table: 'src.events', dateColumn: 'd', check: "SELECT d AS date FROM src.events WHERE d BETWEEN @start AND @end AND user_id = 'bad'", run: writer('src.events') },
      broken: { table: 'src.other', dateColumn: 'd', check: 'SELECT d FROM src.nope WHERE d BETWEEN @start AND @end', run: writer('src.other') },
    }`;
    const seed = (fake: FakeBigQuery) => {
      seedRows(fake, 'src.events', 1, '');
      fake.insertRows('src.events', [{ d: '2024-01-02', user_id: 'bad' }]);
      seedRows(fake, 'src.other', 1, '');
    };
    await withRig({ targets, range: RANGE }, seed, async (rig) => {
      const plan = await rig.bftask(['events', '--dry-run', '--json']);
      expect(plan.stderr).toBe('');
      expect(pendingOf(plan.stdout)).toEqual({ events: { '2024-01-02': 'check' } });
      const checks = () => sentQueries(rig.fake.requests).filter((q) => q.sql.includes("'bad'"));
      expect(checks().map((q) => [param(q, 'start'), param(q, 'end'), q.labels.bftask_target])).toEqual([
        [{ type: 'DATE', value: '2024-01-01' }, { type: 'DATE', value: '2024-01-05' }, 'events'],
      ]);

      expect((await rig.bftask(['events'])).code).toBe(0);
      // Once to plan, once after the step (its one date).
      expect(checks().slice(1).map((q) => [param(q, 'start')?.value, param(q, 'end')?.value])).toEqual([
        ['2024-01-01', '2024-01-05'],
        ['2024-01-02', '2024-01-02'],
      ]);

      const broken = await rig.bftask(['broken']);
      expect(broken.code).toBe(2);
      expect(broken.stderr.trim()).toMatch(/^bftask: targets\.broken\.check: cannot run on BigQuery: not found: .*nope.*$/);
      expect(fs.existsSync(path.join(rig.project.dir, 'writer.log')) && fs.readFileSync(path.join(rig.project.dir, 'writer.log'), 'utf8')).not.toContain('src.other');
    });
  });
});
