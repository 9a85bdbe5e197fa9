// BigQuery failures as users see them through the real CLI: configuration problems end bftask
// with exit 2 and one line on stderr; runtime problems of a write fail the step (exit 1), and
// rate limits are retried (more in retry.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../rig.js';
import { BACKOFF_MS, compact, days, type BigQueryRig, seedTable, sentQueries, withRig } from './cli-rig.js';
import type { FakeBigQuery, RecordedRequest } from './fake-server.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';

const COMMAND_TARGET = `{ events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') } }`;
const SQL_TARGET = `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)} } }`;

const seedEvents = (fake: FakeBigQuery) => seedTable(fake, 'src.events', ALL.slice(0, 3));
const seedForSql = (fake: FakeBigQuery) => {
  seedTable(fake, 'src.events', ALL);
  fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
};

const tablesGet = (table: string) => (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith(`/datasets/src/tables/${table}`);
const jobsInsert = (r: RecordedRequest) => r.method === 'POST' && /\/projects\/[^/]+\/jobs$/.test(r.path);
const writeOf = (partition: string) => (r: RecordedRequest) =>
  jobsInsert(r) && (r.body as { configuration?: { query?: { destinationTable?: { tableId?: string } } } }).configuration?.query?.destinationTable?.tableId === partition;

/** Exit 2, nothing on stdout, and exactly one `bftask: ` line on stderr; returns that line. */
function configFailure(result: CliResult): string {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^bftask: /);
  return lines[0]!;
}

/** The step log of `target` in the only run folder. */
function stepLog(rig: BigQueryRig, target: string): string {
  const runs = path.join(rig.project.dir, '.bftask', 'logs');
  const [run] = fs.readdirSync(runs);
  const dir = path.join(runs, run!, target);
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
}

describe.concurrent('BigQuery errors', () => {
  it('403 accessDenied on tables.get: exit 2, naming bigquery.tables.get', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE }, seedEvents, async (rig) => {
      rig.fake.failNext(tablesGet('events'), {
        status: 403,
        reason: 'accessDenied',
        message: 'Access Denied: Table test-project:src.events: Permission bigquery.tables.get denied on table test-project:src.events (or it may not exist).',
      });
      const line = configFailure(await rig.bftask(['status']));
      expect(line).toContain('bigquery.tables.get');
      expect(line).toContain('src.events');
      expect(sentQueries(rig.fake.requests)).toEqual([]);
    });
  });

  it('403 accessDenied without the permission in the message still names bigquery.tables.get', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE }, seedEvents, async (rig) => {
      rig.fake.failNext(tablesGet('events'), { status: 403, reason: 'accessDenied', message: 'Access Denied: Table test-project:src.events' });
      expect(configFailure(await rig.bftask(['status']))).toContain('bigquery.tables.get');
    });
  });

  it('403 accessDenied on job creation: exit 2, naming bigquery.jobs.create', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE }, seedEvents, async (rig) => {
      rig.fake.failNext(jobsInsert, {
        status: 403,
        reason: 'accessDenied',
        message: 'Access Denied: Project test-project: User does not have bigquery.jobs.create permission in project test-project.',
      });
      const line = configFailure(await rig.bftask(['--dry-run']));
      expect(line).toContain('bigquery.jobs.create');
    });
  });

  it('403 accessDenied on job creation without the permission in the message still names bigquery.jobs.create', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE }, seedEvents, async (rig) => {
      rig.fake.failNext(jobsInsert, { status: 403, reason: 'accessDenied', message: 'Access Denied: Project test-project' });
      expect(configFailure(await rig.bftask(['status']))).toContain('bigquery.jobs.create');
    });
  });

  it('404 dataset not found: exit 2, naming the dataset', async () => {
    const targets = `{ events: { table: 'nosuch.events', dateColumn: 'd', run: writer('nosuch.events') } }`;
    await withRig({ targets, range: RANGE }, seedEvents, async (rig) => {
      const line = configFailure(await rig.bftask(['status']));
      expect(line).toMatch(/not found/i);
      expect(line).toContain('nosuch');
      // It was tables.get that said so; no query was attempted.
      expect(rig.fake.requests.map((r) => r.path)).toEqual(['/bigquery/v2/projects/test-project/datasets/nosuch/tables/events']);
    });
  });

  it('a coverage query over maximumBytesBilled: exit 2 with the estimate and the cap', async () => {
    const cap = 1000;
    await withRig({ targets: COMMAND_TARGET, range: RANGE, warehouse: `maximumBytesBilled: ${cap}` }, seedEvents, async (rig) => {
      const line = configFailure(await rig.bftask(['status']));
      // The fake bills INFORMATION_SCHEMA queries the 10 MiB minimum, as BigQuery does.
      const [job] = sentQueries(rig.fake.requests);
      expect(job?.maximumBytesBilled).toBe(String(cap));
      expect(line).toContain(String(10 * 1024 * 1024));
      expect(line).toMatch(new RegExp(`cap[^\\d]*${cap}\\b`));
      expect(line).toContain('maximumBytesBilled');
    });
  });

  it('a job-level rateLimitExceeded on a SQL write is retried after a backoff, then succeeds', async () => {
    await withRig({ targets: SQL_TARGET, range: RANGE }, seedForSql, async (rig) => {
      rig.fake.failJob(writeOf('out$20240102'), {
        reason: 'rateLimitExceeded',
        message: 'Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
      });
      const result = await rig.bftask([]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      const writes = sentQueries(rig.fake.requests).filter((q) => q.destination !== undefined);
      // Every partition once, the rate-limited one twice.
      expect(writes.map((q) => q.destination).sort()).toEqual(
        ALL.flatMap((d) => (d === '2024-01-02' ? [`mart.out$${compact(d)}`, `mart.out$${compact(d)}`] : [`mart.out$${compact(d)}`])),
      );
      expect(rig.fake.rows('mart.out').map((r) => r.d).sort()).toEqual(ALL);
      // The retry came after a backoff, which the log names (the rig shortens it to BACKOFF_MS).
      const wait = /2024-01-02: writing \S+: rate limit: .* — trying again in (\d+) ms/.exec(stepLog(rig, 'out'))?.[1];
      expect(Number(wait)).toBeGreaterThanOrEqual(BACKOFF_MS);
      expect(Number(wait)).toBeLessThanOrEqual(BACKOFF_MS * 1.5);
    });
  });

  it('quotaExceeded on a SQL write fails the step with a one-line reason and is not retried', async () => {
    await withRig({ targets: SQL_TARGET, range: RANGE }, seedForSql, async (rig) => {
      rig.fake.failJob(writeOf('out$20240103'), {
        reason: 'quotaExceeded',
        message: 'Quota exceeded: Your table exceeded quota for Number of partition modifications to a column partitioned table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
      });
      const result = await rig.bftask([]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const writes = sentQueries(rig.fake.requests).filter((q) => q.destination !== undefined);
      expect(writes.filter((q) => q.destination === 'mart.out$20240103')).toHaveLength(1);
      // The other dates were written.
      expect(rig.fake.rows('mart.out').map((r) => r.d).sort()).toEqual(ALL.filter((d) => d !== '2024-01-03'));
      const summary = result.stdout.slice(result.stdout.indexOf('✖ 1 step failed'));
      expect(summary).not.toBe('');
      // The reason line itself; the quoted end of the step's log (│ lines) says it too.
      const reason = summary.split('\n').filter((l) => /quota exceeded/i.test(l) && !l.trimStart().startsWith('│'));
      expect(reason).toHaveLength(1);
      expect(reason[0]).toMatch(/^\s+out 2024-01-01\.\.2024-01-05\s+SQL failed: .*out\$20240103.*quota exceeded/i);
    });
  });

  // A production endpoint uses Application Default Credentials; an unreadable key file fails
  // before any request is made, so this stays offline.
  it('an unreadable GOOGLE_APPLICATION_CREDENTIALS for a remote endpoint: exit 2 naming the file', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE, endpoint: 'https://bigquery.invalid' }, seedEvents, async (rig) => {
      const key = path.join(rig.project.dir, 'missing-key.json');
      const line = configFailure(await rig.bftask(['status'], { env: { GOOGLE_APPLICATION_CREDENTIALS: key } }));
      expect(line).toContain(`GOOGLE_APPLICATION_CREDENTIALS names ${key} that cannot be read`);
      expect(rig.fake.requests).toEqual([]);
    });
  });

  // Google's own endpoint (no apiEndpoint): credentials are looked for before any request, so
  // nothing is sent anywhere, and the trap stands where the metadata server would be.
  it('no credentials at all for Google\'s endpoint (no key file, no gcloud, no metadata server): exit 2 saying how to log in', async () => {
    await withRig({ targets: COMMAND_TARGET, range: RANGE, endpoint: null }, seedEvents, async (rig) => {
      const line = configFailure(await rig.bftask(['status'], { probeExpected: true }));
      expect(line).toBe('bftask: connecting to BigQuery: no Google credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS');
      expect(rig.trap.hits.length).toBeGreaterThan(0);
      expect(rig.fake.requests).toEqual([]);
    });
  });
});
