// Transient BigQuery failures through the real CLI: writes that fail after running are submitted
// again, reads (tables.get, coverage, calendar, the check after a step) are retried with the same
// backoff, and what still fails after the last try fails the step (during a run) or stops bftask
// (before one). The rig sets BFTASK_BIGQUERY_BACKOFF_MS, so no test waits for real backoff.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeBigQuery, RecordedRequest } from './fake-server.js';
import {
  compact,
  days,
  insertedQuery,
  partitionsQueryOf,
  seedTable,
  type BigQueryRig,
  withRig,
  writeInto,
} from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';
const SQL_TARGET = `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)} } }`;
const RATE_LIMIT = 'Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas';

const seedForSql = (fake: FakeBigQuery) => {
  seedTable(fake, 'src.events', ALL);
  fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
  // Every job is RUNNING when inserted and done on the next report: failures come after running.
  fake.options.incompletePolls = 1;
};

const tablesGet = (table: string) => (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith(`/tables/${table}`);

/** The text of every step log of the only run (files only: `latest` is a link to the run). */
function logs(rig: BigQueryRig): string {
  const root = path.join(rig.project.dir, '.bftask', 'logs');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return out.join('');
}

describe.concurrent('BigQuery writes that fail after running', () => {
  it('one that fails with rateLimitExceeded is submitted again and lands; one that is still rate-limited after the last try fails the step with the quota message', async () => {
    await withRig({ targets: SQL_TARGET, range: RANGE }, seedForSql, async (rig) => {
      rig.fake.failJob(writeInto('mart.out$20240102'), { reason: 'rateLimitExceeded', message: RATE_LIMIT });
      rig.fake.failJob(writeInto('mart.out$20240103'), { reason: 'rateLimitExceeded', message: RATE_LIMIT }, 100);
      const result = await rig.bftask([]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(1);
      const jobsOf = (date: string) => rig.fake.jobs().filter((j) => j.destination === `mart.out$${compact(date)}`);

      // 2024-01-02: the job ran, failed, and was submitted again after the failure was seen.
      const retried = jobsOf('2024-01-02');
      expect(retried.map((j) => [j.state, j.errorReason])).toEqual([
        ['DONE', 'rateLimitExceeded'],
        ['DONE', undefined],
      ]);
      expect(retried[0]!.doneAt! - retried[0]!.createdAt).toBeGreaterThanOrEqual(1);
      expect(retried[1]!.createdAt).toBeGreaterThan(retried[0]!.doneAt!);
      expect(logs(rig)).toMatch(/2024-01-02: writing test-project\.mart\.out\$20240102: rate limit: Exceeded rate limits.* — trying again in \d+ ms/);

      // 2024-01-03: five tries, one at a time, then the step fails with BigQuery's message.
      const given = jobsOf('2024-01-03');
      expect(given.map((j) => j.errorReason)).toEqual(Array(5).fill('rateLimitExceeded'));
      for (let i = 1; i < given.length; i++) expect(given[i]!.createdAt).toBeGreaterThan(given[i - 1]!.doneAt!);
      expect(result.stdout).toMatch(
        /^ {2}out 2024-01-01\.\.2024-01-03 +SQL failed: 1 of 3 dates: writing test-project\.mart\.out\$20240103: rate limit: Exceeded rate limits: too many table update operations for this table\..* \(gave up after 5 tries\)$/m,
      );
      // Failed jobs wrote nothing; the others landed.
      expect(rig.fake.rows('mart.out').map((r) => r.d).sort()).toEqual(['2024-01-01', '2024-01-02']);
    });
  });
});

const EVENTS = `{
  events: { table: 'src.events', dateColumn: 'd', run: writer('src.events'), bisect: false },
  clicks: { table: 'src.clicks', dateColumn: 'd', run: writer('src.clicks') },
}`;
const seedEmpty = (fake: FakeBigQuery) => {
  seedTable(fake, 'src.events', []);
  seedTable(fake, 'src.clicks', []);
  seedTable(fake, 'raw.cal', ALL, { unpartitioned: true });
};

describe.concurrent('BigQuery reads that fail transiently', () => {
  it('tables.get answering 503, a PARTITIONS query answering 500 and a calendar query failing after running are each retried; status answers', async () => {
    await withRig({ targets: EVENTS, range: RANGE, extra: `calendar: { table: 'raw.cal', dateColumn: 'd' },` }, seedEmpty, async (rig) => {
      rig.fake.options.incompletePolls = 1;
      rig.fake.failNext(tablesGet('events'), { status: 503, reason: 'backendError', message: 'Backend error' });
      rig.fake.failNext(partitionsQueryOf('clicks', 'events'), { status: 500, reason: 'internalError', message: 'Internal error' });
      rig.fake.failJob((r) => insertedQuery(r)?.sql.includes('raw.cal') === true, { reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many concurrent queries' });
      const result = await rig.bftask(['status', '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      const missing = (JSON.parse(result.stdout) as { targets: { missing: string[] }[] }).targets.map((t) => t.missing);
      expect(missing).toEqual([ALL, ALL]);
      const count = (match: (r: RecordedRequest) => boolean) => rig.fake.requests.filter(match).length;
      expect(count(tablesGet('events'))).toBe(2);
      expect(count(partitionsQueryOf('clicks', 'events'))).toBe(2);
      expect(rig.fake.jobs().filter((j) => j.sql.includes('raw.cal')).map((j) => j.errorReason)).toEqual(['rateLimitExceeded', undefined]);
    });
  });

  it('a read that still fails after the last try stops bftask before anything runs (exit 1, one line)', async () => {
    await withRig({ targets: EVENTS, range: RANGE }, seedEmpty, async (rig) => {
      rig.fake.failNext(tablesGet('events'), { status: 503, reason: 'backendError', message: 'Backend error' }, 5);
      const result = await rig.bftask([]);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('bftask: reading test-project.src.events: BigQuery failed (HTTP 503): Backend error (gave up after 5 tries)');
      expect(rig.fake.requests.filter(tablesGet('events'))).toHaveLength(5);
      expect(fs.existsSync(path.join(rig.project.dir, 'writer.log'))).toBe(false);
    });
  });

  it('the check after a step: a transient failure is retried; one still failing after the last try fails that step only, exit 1', async () => {
    await withRig({ targets: EVENTS, range: RANGE }, seedEmpty, async (rig) => {
      // clicks' check runs a while, then fails (the writer's own jobs finish at once).
      rig.fake.options.incompletePolls = (r) => (partitionsQueryOf('clicks')(r) ? 1 : 0);
      rig.fake.failJob(partitionsQueryOf('clicks'), { reason: 'backendError', message: 'Backend error' });
      rig.fake.failNext(partitionsQueryOf('events'), { status: 503, reason: 'backendError', message: 'Backend error' }, 5);
      const result = await rig.bftask([]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toMatch(
        /^ {2}events 2024-01-01\.\.2024-01-03 +ended well, but checking its dates failed: reading partitions of test-project\.src: BigQuery failed \(HTTP 503\): Backend error \(gave up after 5 tries\)$/m,
      );
      expect(rig.fake.requests.filter(partitionsQueryOf('events'))).toHaveLength(5);
      // clicks' check failed once after running, was retried, and the step succeeded.
      const clicksChecks = rig.fake.jobs().filter((j) => partitionsQueryOf('clicks')(rig.fake.requests[j.createdAt]!));
      expect(clicksChecks.map((j) => j.errorReason)).toEqual(['backendError', undefined]);
      expect(result.stdout).toMatch(/^✖ 1 step failed, 1 target complete, 1 incomplete/m);
      expect(rig.fake.partitions('src.clicks').map((p) => p.partitionId)).toEqual(ALL.map(compact));
    });
  });
});
