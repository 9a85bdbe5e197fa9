// The fake behaves like BigQuery over time: a job stays RUNNING for a while, its write lands only
// when it completes, it can fail after running, a cancelled job writes nothing, lookups need the
// job's location, parameters are type-checked against the columns they are compared with, and
// streamed rows sit in the streaming buffer until it is flushed.
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBigQuery, type RecordedRequest, startFakeBigQuery } from './fake-server.js';

const PROJECT = 'test-project';
let fake: FakeBigQuery;

beforeAll(() => {
  process.env.METADATA_SERVER_DETECTION = 'none';
});

afterEach(async () => {
  await fake.close();
});

/** A fake in `location` with `ds.events` (d DATE partitioned, s STRING, ts TIMESTAMP, dt DATETIME), and a client without retries. */
async function start(location = 'US'): Promise<BigQuery> {
  fake = await startFakeBigQuery({ projectId: PROJECT, location });
  fake.createTable(
    'ds.events',
    [
      { name: 'd', type: 'DATE' },
      { name: 's', type: 'STRING' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'dt', type: 'DATETIME' },
    ],
    { partitionField: 'd' },
  );
  fake.insertRows('ds.events', [{ d: '2024-01-01', s: '2024-01-01', ts: '2024-01-01T23:30:00Z', dt: '2024-01-01 23:30:00' }]);
  return new BigQuery({ projectId: PROJECT, location, apiEndpoint: fake.url, authClient: new PassThroughClient(), autoRetry: false });
}

const isWrite = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/jobs');
const writeJob = (bq: BigQuery, date: string) =>
  bq.createQueryJob({
    query: "SELECT @d AS d, 'new' AS s",
    params: { d: BigQuery.date(date) },
    destination: bq.dataset('ds').table(`events$${date.replaceAll('-', '')}`),
    writeDisposition: 'WRITE_TRUNCATE',
  });
const dates = () => fake.rows('ds.events').map((r) => r.d).sort();

describe('job lifecycle', () => {
  it('a write stays RUNNING for incompletePolls reports and lands only when a report finds it done', async () => {
    const bq = await start();
    fake.options.incompletePolls = 2;
    const [job, created] = await writeJob(bq, '2024-01-02');
    expect(created.status).toEqual({ state: 'RUNNING' });
    expect(dates()).toEqual(['2024-01-01']);
    const [first] = await job.getMetadata();
    expect(first.status.state).toBe('RUNNING');
    expect(dates()).toEqual(['2024-01-01']);
    const [second] = await job.getMetadata();
    expect(second.status).toEqual({ state: 'DONE' });
    expect(dates()).toEqual(['2024-01-01', '2024-01-02']);
    const [record] = fake.jobs();
    expect(record).toMatchObject({ jobId: job.id, state: 'DONE', destination: 'ds.events$20240102', errorReason: undefined, cancelled: false });
    // Created by the jobs.insert, done on the second jobs.get.
    expect([record!.createdAt, record!.doneAt]).toEqual([0, 2]);
  });

  it('a job can fail after running: 403 rateLimitExceeded from getQueryResults, status.errorResult from jobs.get, nothing written', async () => {
    const bq = await start();
    fake.options.incompletePolls = 1;
    const message = 'Exceeded rate limits: too many table update operations for this table';
    fake.failJob(isWrite, { reason: 'rateLimitExceeded', message });
    const [job, created] = await writeJob(bq, '2024-01-02');
    expect(created.status?.state).toBe('RUNNING');
    await expect(job.getQueryResults({ maxResults: 0, autoPaginate: false })).rejects.toMatchObject({
      code: 403,
      errors: [{ reason: 'rateLimitExceeded', message }],
    });
    const [metadata] = await job.getMetadata();
    expect(metadata.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'rateLimitExceeded', message } });
    expect(dates()).toEqual(['2024-01-01']);
    expect(fake.jobs()[0]).toMatchObject({ state: 'DONE', errorReason: 'rateLimitExceeded' });
  });

  it('jobs.cancel on a running job: it ends stopped and its write never lands, however often it is polled', async () => {
    const bq = await start();
    fake.options.incompletePolls = 1;
    const [job] = await writeJob(bq, '2024-01-02');
    await job.cancel();
    const [metadata] = await job.getMetadata();
    expect(metadata.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'stopped' } });
    await expect(job.getQueryResults({ maxResults: 0, autoPaginate: false })).rejects.toMatchObject({ errors: [{ reason: 'stopped' }] });
    expect(dates()).toEqual(['2024-01-01']);
    expect(fake.jobs()[0]).toMatchObject({ cancelled: true, errorReason: 'stopped' });
  });

  it('jobs.query answers a failed job that finished at once as an HTTP error', async () => {
    const bq = await start();
    fake.failJob((r) => r.path.endsWith('/queries'), { reason: 'backendError', message: 'Backend error', status: 503 });
    await expect(bq.query('SELECT 1 AS one')).rejects.toMatchObject({ code: 503, errors: [{ reason: 'backendError' }] });
  });
});

describe('job lookups need the job location', () => {
  it('in europe-west1: with the location they work, without it or with another they are 404', async () => {
    const bq = await start('europe-west1');
    fake.options.incompletePolls = 1;
    const [job] = await writeJob(bq, '2024-01-02');
    expect(job.location).toBe('europe-west1');
    const base = `${fake.url}/bigquery/v2/projects/${PROJECT}/jobs/${job.id}`;
    expect((await fetch(base)).status).toBe(404);
    expect((await fetch(`${base}?location=US`)).status).toBe(404);
    expect((await fetch(`${fake.url}/bigquery/v2/projects/${PROJECT}/queries/${job.id}`)).status).toBe(404);
    // The client passes the job's location on every lookup.
    const [metadata] = await job.getMetadata();
    expect(metadata.status.state).toBe('DONE');
    expect(fake.requests.at(-1)!.query.location).toBe('europe-west1');
  });

  it('in the US multi-region a lookup without a location finds the job, as in BigQuery', async () => {
    const bq = await start('US');
    const [job] = await bq.createQueryJob({ query: 'SELECT 1 AS one' });
    expect((await fetch(`${fake.url}/bigquery/v2/projects/${PROJECT}/jobs/${job.id}`)).status).toBe(200);
    expect((await fetch(`${fake.url}/bigquery/v2/projects/${PROJECT}/jobs/${job.id}?location=EU`)).status).toBe(404);
  });
});

describe('parameter types', () => {
  it.each([
    ['s', 'BETWEEN @a AND @b', 'No matching signature for operator BETWEEN for argument types: STRING, DATE, DATE. Supported signature: (ANY) BETWEEN (ANY) AND (ANY) at [1:43]'],
    ['ts', 'BETWEEN @a AND @b', 'No matching signature for operator BETWEEN for argument types: TIMESTAMP, DATE, DATE.'],
    ['ts', '>= @a', 'No matching signature for operator >= for argument types: TIMESTAMP, DATE. Supported signature: ANY >= ANY'],
  ])('DATE parameters compared with column %s (%s) fail as in BigQuery', async (column, comparison, message) => {
    const bq = await start();
    const query = `SELECT COUNT(*) AS n FROM ds.events WHERE ${column} ${comparison}`;
    const params = { a: BigQuery.date('2024-01-01'), b: BigQuery.date('2024-01-02') };
    await expect(bq.query({ query, params })).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery', message: expect.stringContaining(message) }] });
  });

  it('matching types compare, and DATE(x) of TIMESTAMP and DATETIME columns is their UTC date', async () => {
    const bq = await start();
    const [rows] = await bq.query({
      query: 'SELECT DATE(ts) AS a, DATE(dt) AS b, dt FROM ds.events WHERE ts >= @t0 AND ts < @t1 AND dt >= @d0 AND dt < @d1 AND d BETWEEN @a AND @b',
      params: {
        t0: BigQuery.timestamp('2024-01-01T00:00:00Z'),
        t1: BigQuery.timestamp('2024-01-02T00:00:00Z'),
        d0: BigQuery.datetime('2024-01-01 00:00:00'),
        d1: BigQuery.datetime('2024-01-02 00:00:00'),
        a: BigQuery.date('2024-01-01'),
        b: BigQuery.datetime('2024-01-01T12:00:00'),
      },
    });
    expect(rows).toEqual([{ a: BigQuery.date('2024-01-01'), b: BigQuery.date('2024-01-01'), dt: BigQuery.datetime('2024-01-01T23:30:00') }]);
  });
});

describe('the streaming buffer', () => {
  it('tabledata.insertAll rows are queryable at once, but PARTITIONS counts them in __STREAMING_UNPARTITIONED__ until flushed', async () => {
    const bq = await start();
    await bq.dataset('ds').table('events').insert([{ d: '2024-01-07', s: 'streamed' }]);
    const partitions = async () =>
      (await bq.query("SELECT partition_id, total_rows FROM ds.INFORMATION_SCHEMA.PARTITIONS WHERE table_name = 'events' AND partition_id IN ('20240107', '__STREAMING_UNPARTITIONED__') ORDER BY 1"))[0];

    const [[row]] = await bq.query("SELECT s FROM ds.events WHERE d = '2024-01-07'");
    expect(row).toEqual({ s: 'streamed' });
    expect(await partitions()).toEqual([{ partition_id: '__STREAMING_UNPARTITIONED__', total_rows: 1 }]);
    expect((await bq.dataset('ds').table('events').getMetadata())[0].streamingBuffer).toMatchObject({ estimatedRows: '1' });
    expect(fake.requests.find((r) => r.path.endsWith('/insertAll'))?.body).toMatchObject({ rows: [{ json: { d: '2024-01-07' } }] });

    fake.flushStreamingBuffer('ds.events');
    expect(await partitions()).toEqual([{ partition_id: '20240107', total_rows: 1 }]);
    expect((await bq.dataset('ds').table('events').getMetadata())[0].streamingBuffer).toBeUndefined();
  });
});
