// A full build on BigQuery through the real CLI: a command target whose command writes through
// the fake, and a SQL target written by bftask one WRITE_TRUNCATE job per date partition, every
// job labelled with the run's id, which is its log folder's name.
import fs from 'node:fs';
import path from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { newRunId } from '../../src/run/logs.js';
import { compact, DEFAULT_CAP, days, param, PROJECT, seedTable, sentQueries, type SentQuery, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';
/** Rows the writer fixture puts in each partition it writes (its default). */
const WRITER_ROWS = 2;
const EVENTS_SEEDED = ['2024-01-01', '2024-01-02'];

const TARGETS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') },
  daily: { table: 'mart.daily', dateColumn: 'd', deps: ['events'], sql: ${JSON.stringify(SQL)} },
}`;

const writesInto = (queries: SentQuery[], table: string) => queries.filter((q) => q.destination?.startsWith(`${table}$`));

/** writer.log: one line per run of the fixture command. */
function writerRuns(dir: string): { table: string; dates: string[]; emulator: string; project: string; location: string; credentials: null; warehouse: string; dataset: null }[] {
  const file = path.join(dir, 'writer.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

describe('build on BigQuery', () => {
  it('writes a command target through BigQuery and a SQL target one WRITE_TRUNCATE job per partition; then nothing; then only what was deleted', async () => {
    await withRig(
      { targets: TARGETS, range: RANGE },
      (fake) => {
        seedTable(fake, 'src.events', EVENTS_SEEDED);
        // mart exists but mart.daily does not: the first write creates it, partitioned on d.
        fake.createTable('mart.readme', [{ name: 'text', type: 'STRING' }]);
      },
      async (rig) => {
        const { fake, project } = rig;

        // Other runs hold the log folders of the next minute, so this run's id gets a -2 suffix.
        const logs = path.join(project.dir, '.bftask', 'logs');
        const now = Date.now();
        for (let s = 0; s < 60; s++) fs.mkdirSync(path.join(logs, newRunId(new Date(now + s * 1000))), { recursive: true });

        // First run: the command writes events' missing dates, then bftask writes every date of daily.
        let from = fake.requests.length;
        // The same local time in bftask as here, whatever TZ this process has.
        const first = await rig.bftask([], { env: { TZ: Intl.DateTimeFormat().resolvedOptions().timeZone } });
        expect(first.stderr).toBe('');
        expect(first.code, first.stdout).toBe(0);
        expect(first.stdout).toContain(`✔ 2 steps, ${ALL.length - EVENTS_SEEDED.length + ALL.length} dates built`);
        let queries = sentQueries(rig.since(from));

        // One run id: every job bftask sent (coverage, writes, checks) is labelled with the run's folder name.
        const folder = fs.readlinkSync(path.join(logs, 'latest'));
        expect(folder).toMatch(/^\d{8}-\d{6}-2$/);
        const ours = queries.filter((q) => q.labels.writer === undefined);
        expect(new Set(ours.map((q) => q.labels.bftask_target))).toEqual(new Set(['coverage', 'daily']));
        expect(new Set(ours.map((q) => q.labels.bftask_run))).toEqual(new Set([folder]));

        // The command got the warehouse through its environment and wrote through the fake.
        const missingEvents = ALL.filter((d) => !EVENTS_SEEDED.includes(d));
        expect(writerRuns(project.dir)).toEqual([
          // BFTASK_WAREHOUSE=bigquery; no BFTASK_BIGQUERY_DATASET, as the config sets no dataset.
          { table: 'src.events', dates: missingEvents, emulator: fake.url, project: PROJECT, location: 'US', credentials: null, warehouse: 'bigquery', dataset: null },
        ]);
        expect(writesInto(queries, 'src.events').map((q) => q.destination).sort()).toEqual(missingEvents.map((d) => `src.events$${compact(d)}`));
        expect(fake.partitions('src.events').map((p) => [p.partitionId, p.totalRows])).toEqual([
          ...EVENTS_SEEDED.map((d) => [compact(d), 1]),
          ...missingEvents.map((d) => [compact(d), WRITER_ROWS]),
        ]);

        // The SQL target: one query job per date into daily$YYYYMMDD, @start = @end = that date.
        const daily = writesInto(queries, 'mart.daily');
        expect(daily.map((q) => q.destination).sort()).toEqual(ALL.map((d) => `mart.daily$${compact(d)}`));
        for (const q of daily) {
          const date = ALL.find((d) => q.destination === `mart.daily$${compact(d)}`)!;
          expect(q.via).toBe('jobs.insert');
          expect(q.sql).toBe(SQL);
          expect(q.writeDisposition).toBe('WRITE_TRUNCATE');
          expect(param(q, 'start')).toEqual({ type: 'DATE', value: date });
          expect(param(q, 'end')).toEqual({ type: 'DATE', value: date });
          expect(q.maximumBytesBilled).toBe(DEFAULT_CAP);
          expect(q.labels.bftask_target).toBe('daily');
          expect(q.location).toBe('US');
        }
        // daily's writes started only after events was complete (it depends on events).
        const lastEventsWrite = Math.max(...writesInto(queries, 'src.events').map((q) => q.index));
        expect(Math.min(...daily.map((q) => q.index))).toBeGreaterThan(lastEventsWrite);
        const rowsOfDaily = () => fake.rows('mart.daily').map((r) => [r.d, r.n]).sort();
        const expectedDaily = ALL.map((d) => [d, EVENTS_SEEDED.includes(d) ? 1 : WRITER_ROWS]);
        expect(rowsOfDaily()).toEqual(expectedDaily);
        expect(fake.partitions('mart.daily').map((p) => p.partitionId)).toEqual(ALL.map(compact));

        // Second run: nothing to write, and it says so.
        from = fake.requests.length;
        const second = await rig.bftask([]);
        expect(second.stderr).toBe('');
        expect(second.code).toBe(0);
        expect(second.stdout).toContain('nothing to do');
        queries = sentQueries(rig.since(from));
        expect(queries.filter((q) => q.destination !== undefined)).toEqual([]);
        expect(writerRuns(project.dir)).toHaveLength(1);

        // Delete one partition's rows: the next run rewrites exactly that partition.
        const bq = new BigQuery({ projectId: PROJECT, apiEndpoint: fake.url, authClient: new PassThroughClient() });
        await bq.query({ query: 'DELETE FROM mart.daily WHERE d = @d', params: { d: BigQuery.date('2024-01-03') } });
        expect(rowsOfDaily()).toHaveLength(ALL.length - 1);
        from = fake.requests.length;
        const third = await rig.bftask([]);
        expect(third.stderr).toBe('');
        expect(third.code, third.stdout).toBe(0);
        expect(third.stdout).toContain('✔ 1 step, 1 date built');
        queries = sentQueries(rig.since(from));
        expect(queries.filter((q) => q.destination !== undefined).map((q) => q.destination)).toEqual(['mart.daily$20240103']);
        expect(writerRuns(project.dir)).toHaveLength(1);
        expect(rowsOfDaily()).toEqual(expectedDaily);
      },
    );
  });
});
