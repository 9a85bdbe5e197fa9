import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rewriteSql } from './fake/sql.js';
import { type FakeBigQuery, type RecordedRequest, startFakeBigQuery } from './fake-server.js';

const PROJECT = 'test-project';

let fake: FakeBigQuery;
let bq: BigQuery;

/** The real client, pointed at the fake, with an auth client that needs no credentials. */
function client(options: BigQueryOptions = {}): BigQuery {
  return new BigQuery({ projectId: PROJECT, apiEndpoint: fake.url, authClient: new PassThroughClient(), ...options });
}

const isQuery = (r: RecordedRequest) => r.method === 'POST' && r.path === `/bigquery/v2/projects/${PROJECT}/queries`;
const isResults = (r: RecordedRequest) => r.method === 'GET' && r.path.startsWith(`/bigquery/v2/projects/${PROJECT}/queries/`);

function seedEvents(): void {
  fake.createTable(
    `${PROJECT}.ds.events`,
    [
      { name: 'dt', type: 'DATE' },
      { name: 'user_id', type: 'STRING' },
      { name: 'n', type: 'INT64' },
      { name: 'ts', type: 'TIMESTAMP' },
    ],
    { partitionField: 'dt' },
  );
  fake.insertRows('ds.events', [
    { dt: '2024-01-04', user_id: 'a', n: 1, ts: '2024-01-04T10:00:00.123456Z' },
    { dt: '2024-01-05', user_id: 'b', n: 2, ts: new Date('2024-01-05T00:00:00Z') },
    { dt: '2024-01-05', user_id: 'c', n: 3, ts: null },
    { dt: '2024-01-06', user_id: 'a', n: 4, ts: null },
    { dt: null, user_id: 'z', n: 5, ts: null },
  ]);
}

beforeAll(() => {
  // A belt: the pass-through auth client alone must keep the client off the metadata server.
  process.env.METADATA_SERVER_DETECTION = 'none';
});

beforeEach(async () => {
  fake = await startFakeBigQuery({ projectId: PROJECT });
  bq = client();
  seedEvents();
});

afterEach(async () => {
  await fake.close();
});

describe('queries through jobs.query', () => {
  it('binds DATE parameters and an ARRAY<STRING> parameter', async () => {
    const [rows] = await bq.query({
      query: 'SELECT dt, user_id, n, ts FROM `test-project.ds.events` WHERE dt BETWEEN @s AND @e AND user_id IN UNNEST(@users) ORDER BY n',
      params: { s: BigQuery.date('2024-01-05'), e: BigQuery.date('2024-01-06'), users: ['a', 'b'] },
      maximumBytesBilled: '50000000',
      labels: { bftask_target: 'events', bftask_run: 'r1' },
      location: 'US',
    });

    expect(rows).toEqual([
      { dt: BigQuery.date('2024-01-05'), user_id: 'b', n: 2, ts: BigQuery.timestamp('2024-01-05T00:00:00.000Z') },
      { dt: BigQuery.date('2024-01-06'), user_id: 'a', n: 4, ts: null },
    ]);
    const sent = fake.requests.find(isQuery)!;
    expect(sent.body).toMatchObject({
      useLegacySql: false,
      parameterMode: 'named',
      maximumBytesBilled: '50000000',
      labels: { bftask_target: 'events', bftask_run: 'r1' },
      location: 'US',
      formatOptions: { useInt64Timestamp: true },
      queryParameters: [
        { name: 's', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-01-05' } },
        { name: 'e', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-01-06' } },
        { name: 'users', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [{ value: 'a' }, { value: 'b' }] } },
      ],
    });
    expect((sent.body as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns TIMESTAMP cells as microseconds and the client keeps them', async () => {
    const [rows] = await bq.query("SELECT ts FROM ds.events WHERE user_id = 'a' AND n = 1");
    expect(rows[0].ts.value).toBe('2024-01-04T10:00:00.123456000Z');
  });

  it('treats a plain string typed DATE as a parameter without a value, i.e. NULL', async () => {
    const [rows] = await bq.query({
      query: 'SELECT COUNT(*) AS c FROM ds.events WHERE dt = @d',
      params: { d: '2024-01-05' },
      types: { d: 'DATE' },
    });
    expect(rows).toEqual([{ c: 0 }]);
    expect(fake.requests.find(isQuery)!.body).toMatchObject({ queryParameters: [{ name: 'd', parameterType: { type: 'DATE' }, parameterValue: {} }] });
  });

  it('pages with pageToken until all rows are read', async () => {
    fake.options.pageSize = 2;
    const [rows] = await bq.query('SELECT n FROM ds.events ORDER BY n');

    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    const pages = fake.requests.filter(isResults);
    expect(pages).toHaveLength(2);
    expect(pages.map((r) => typeof r.query.pageToken)).toEqual(['string', 'string']);
    expect(pages[0]!.query).toMatchObject({ location: 'US', 'formatOptions.useInt64Timestamp': 'true' });
  });

  it('reports jobComplete=false until the client has polled enough', async () => {
    fake.options.incompletePolls = 2;
    const [rows] = await bq.query('SELECT COUNT(*) AS c, SUM(n) AS total FROM ds.events');

    expect(rows).toEqual([{ c: 5, total: 15 }]);
    // jobs.query answered "not done", the first poll too, the second poll carried the rows.
    expect(fake.requests.filter(isQuery)).toHaveLength(1);
    expect(fake.requests.filter(isResults)).toHaveLength(2);
  });

  it('runs DML and keeps partition metadata current', async () => {
    const before = fake.partitions('ds.events').find((p) => p.partitionId === '20240104')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // query() resolves to [rows, nextQuery, apiResponse], though its type declares only two elements.
    const [, , response] = (await bq.query({
      query: 'INSERT ds.events (dt, user_id, n) VALUES (@d, @u, 10), (@d, @u, 11)',
      params: { d: BigQuery.date('2024-01-07'), u: 'q' },
    })) as unknown as [unknown[], unknown, unknown];
    await bq.query("DELETE FROM ds.events WHERE dt = '2024-01-04'");

    expect(response).toMatchObject({ numDmlAffectedRows: '2', dmlStats: { insertedRowCount: '2' } });
    const after = fake.partitions('ds.events');
    expect(after.find((p) => p.partitionId === '20240107')).toMatchObject({ totalRows: 2 });
    const emptied = after.find((p) => p.partitionId === '20240104')!;
    expect(emptied.totalRows).toBe(0);
    expect(emptied.lastModifiedTime).toBeGreaterThan(before.lastModifiedTime);
  });

  it('stores REPEATED columns and compares TIMESTAMP parameters as instants', async () => {
    fake.createTable('ds.tags', [
      { name: 'id', type: 'INT64' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'at', type: 'TIMESTAMP' },
    ]);
    fake.insertRows('ds.tags', [
      { id: 1, tags: ['x', 'y'], at: '2024-01-05T12:00:00Z' },
      { id: 2, tags: [], at: '2024-01-06T12:00:00Z' },
    ]);
    const [rows] = await bq.query({
      query: 'SELECT id, tags FROM ds.tags WHERE at < @cutoff AND at < CURRENT_TIMESTAMP()',
      params: { cutoff: BigQuery.timestamp('2024-01-06T00:00:00+01:00') },
    });
    expect(rows).toEqual([{ id: 1, tags: ['x', 'y'] }]);
    expect(fake.rows('ds.tags')[1]).toEqual({ id: 2, tags: [], at: '2024-01-06T12:00:00.000Z' });
  });

  it('runs a retried jobs.query (same requestId) only once', async () => {
    const body = {
      query: "INSERT ds.events (dt, n) VALUES ('2024-01-09', 9)",
      useLegacySql: false,
      requestId: 'req-1',
    };
    const send = () => fetch(`${fake.url}/bigquery/v2/projects/${PROJECT}/queries`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    const first = (await send()) as { jobReference: { jobId: string } };
    const second = (await send()) as { jobReference: { jobId: string } };
    expect(second.jobReference.jobId).toBe(first.jobReference.jobId);
    expect(fake.rows('ds.events').filter((r) => r.dt === '2024-01-09')).toHaveLength(1);
  });
});

describe('INFORMATION_SCHEMA.PARTITIONS', () => {
  it('answers the coverage query from partition metadata', async () => {
    fake.createTable('ds.daily', [{ name: 'day', type: 'DATE' }], { partitionField: 'day' });
    fake.insertRows('ds.daily', [{ day: '2024-01-05' }, { day: '2024-01-05' }, { day: '2024-02-01' }]);
    fake.createTable('ds.flat', [{ name: 'day', type: 'DATE' }]);
    fake.insertRows('ds.flat', [{ day: '2024-01-05' }]);
    await bq.query("DELETE FROM ds.events WHERE dt = '2024-01-06'");

    const [rows] = await bq.query({
      query:
        'SELECT table_name, partition_id, total_rows, last_modified_time FROM `test-project.ds.INFORMATION_SCHEMA.PARTITIONS` ' +
        'WHERE table_name IN UNNEST(@tables) AND partition_id BETWEEN @from AND @to AND total_rows > 0 ORDER BY table_name, partition_id',
      params: { tables: ['events', 'daily', 'flat'], from: '20240101', to: '20240131' },
    });

    expect(rows.map((r) => [r.table_name, r.partition_id, r.total_rows])).toEqual([
      ['daily', '20240105', 2],
      ['events', '20240104', 1],
      ['events', '20240105', 2],
    ]);
    const meta = fake.partitions('ds.daily').find((p) => p.partitionId === '20240105')!;
    expect(new Date(rows[0].last_modified_time.value).getTime()).toBe(meta.lastModifiedTime);
  });

  it('reports __NULL__ partitions and NULL for an unpartitioned table, like BigQuery', async () => {
    fake.createTable('ds.flat', [{ name: 'day', type: 'DATE' }]);
    fake.insertRows('ds.flat', [{ day: '2024-01-05' }]);
    const [rows] = await bq.query(
      "SELECT table_name, partition_id, total_rows FROM ds.INFORMATION_SCHEMA.PARTITIONS WHERE partition_id IS NULL OR partition_id = '__NULL__' ORDER BY 1",
    );
    expect(rows).toEqual([
      { table_name: 'events', partition_id: '__NULL__', total_rows: 1 },
      { table_name: 'flat', partition_id: null, total_rows: 1 },
    ]);
  });
});

describe('tables.get', () => {
  it('returns the Table resource of a partitioned table', async () => {
    const [meta] = await bq.dataset('ds').table('events').getMetadata();
    expect(meta).toMatchObject({
      tableReference: { projectId: PROJECT, datasetId: 'ds', tableId: 'events' },
      timePartitioning: { type: 'DAY', field: 'dt' },
      numRows: '5',
      type: 'TABLE',
      schema: { fields: [{ name: 'dt', type: 'DATE', mode: 'NULLABLE' }, { name: 'user_id', type: 'STRING' }, { name: 'n', type: 'INTEGER' }, { name: 'ts', type: 'TIMESTAMP' }] },
    });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/bigquery/v2/projects/${PROJECT}/datasets/ds/tables/events` });
  });

  it('answers 404 notFound for a missing table or dataset', async () => {
    await expect(bq.dataset('ds').table('nope').getMetadata()).rejects.toMatchObject({
      code: 404,
      errors: [{ reason: 'notFound' }],
      message: `Not found: Table ${PROJECT}:ds.nope was not found in location US`,
    });
    await expect(bq.dataset('other').table('t').getMetadata()).rejects.toMatchObject({ code: 404, message: `Not found: Dataset ${PROJECT}:other` });
    expect(await bq.dataset('ds').table('nope').exists()).toEqual([false]);
  });
});

describe('query jobs with a destination', () => {
  it('replaces exactly one partition through a $YYYYMMDD decorator with WRITE_TRUNCATE', async () => {
    const untouched = fake.partitions('ds.events').find((p) => p.partitionId === '20240104')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [job] = await bq.createQueryJob({
      query: "SELECT @d AS dt, 'new' AS user_id, 42 AS n",
      params: { d: BigQuery.date('2024-01-05') },
      destination: bq.dataset('ds').table('events$20240105'),
      writeDisposition: 'WRITE_TRUNCATE',
      labels: { bftask_target: 'events' },
    });
    await job.getQueryResults();

    expect(fake.rows('ds.events').filter((r) => r.dt === '2024-01-05')).toEqual([{ dt: '2024-01-05', user_id: 'new', n: 42, ts: null }]);
    expect(fake.rows('ds.events')).toHaveLength(4);
    const partitions = fake.partitions('ds.events');
    expect(partitions.find((p) => p.partitionId === '20240104')).toEqual(untouched);
    expect(partitions.find((p) => p.partitionId === '20240105')!.lastModifiedTime).toBeGreaterThan(untouched.lastModifiedTime);
    expect(fake.requests.find((r) => r.path.endsWith('/jobs'))!.body).toMatchObject({
      jobReference: { projectId: PROJECT, jobId: job.id },
      configuration: {
        query: { destinationTable: { projectId: PROJECT, datasetId: 'ds', tableId: 'events$20240105' }, writeDisposition: 'WRITE_TRUNCATE', useLegacySql: false },
        labels: { bftask_target: 'events' },
      },
    });
  });

  it('rejects rows outside the decorated partition and leaves the table alone', async () => {
    const before = fake.rows('ds.events');
    const attempt = bq.query({
      query: "SELECT DATE '2024-01-06' AS dt, 'x' AS user_id",
      destination: bq.dataset('ds').table('events$20240105'),
      writeDisposition: 'WRITE_TRUNCATE',
    });
    // A failed jobs.insert reaches the caller with errors[0].reason but without `code`.
    await expect(attempt).rejects.toMatchObject({
      errors: [{ reason: 'invalid', message: 'Some rows belong to different partitions rather than destination partition 20240105' }],
    });
    expect(fake.rows('ds.events')).toEqual(before);
  });

  it('creates a missing destination, then appends or truncates the whole table', async () => {
    const destination = bq.dataset('ds').table('summary');
    const sql = 'SELECT dt, COUNT(*) AS c FROM ds.events WHERE dt IS NOT NULL GROUP BY dt';
    await bq.query({ query: sql, destination, createDisposition: 'CREATE_IF_NEEDED', timePartitioning: { type: 'DAY', field: 'dt' } });
    await bq.query({ query: sql, destination, writeDisposition: 'WRITE_APPEND' });
    expect(fake.rows('ds.summary')).toHaveLength(6);
    await bq.query({ query: sql, destination, writeDisposition: 'WRITE_TRUNCATE' });

    expect(fake.rows('ds.summary')).toEqual([
      { dt: '2024-01-04', c: 1 },
      { dt: '2024-01-05', c: 2 },
      { dt: '2024-01-06', c: 1 },
    ]);
    const [meta] = await destination.getMetadata();
    expect(meta).toMatchObject({ timePartitioning: { type: 'DAY', field: 'dt' }, schema: { fields: [{ name: 'dt', type: 'DATE' }, { name: 'c', type: 'INTEGER' }] } });
  });

  it('reports job status through jobs.get, RUNNING while polls are pending', async () => {
    fake.options.incompletePolls = 1;
    const [job, created] = await bq.createQueryJob({ query: 'SELECT 1 AS one', labels: { bftask_run: 'r2' } });
    const [metadata] = await job.getMetadata();

    expect(created).toMatchObject({ status: { state: 'RUNNING' }, jobReference: { projectId: PROJECT, jobId: job.id, location: 'US' } });
    expect(metadata).toMatchObject({ status: { state: 'DONE' }, configuration: { labels: { bftask_run: 'r2' } }, statistics: { query: { statementType: 'SELECT' } } });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/bigquery/v2/projects/${PROJECT}/jobs/${job.id}`, query: { location: 'US' } });
  });
});

describe('errors and cost guard', () => {
  it('delivers an injected 403 reason to the caller, then recovers', async () => {
    fake.failNext(isQuery, { status: 403, reason: 'accessDenied', message: 'Access Denied: Project test-project: User does not have bigquery.jobs.create permission' });

    await expect(bq.query('SELECT 1 AS one')).rejects.toMatchObject({ code: 403, errors: [{ reason: 'accessDenied' }] });
    const [rows] = await bq.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    expect(fake.requests.filter(isQuery)).toHaveLength(2);
  });

  it('fails a query whose billed bytes exceed maximumBytesBilled', async () => {
    const attempt = bq.query({ query: 'SELECT partition_id FROM ds.INFORMATION_SCHEMA.PARTITIONS', maximumBytesBilled: '1000' });
    await expect(attempt).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'bytesBilledLimitExceeded' }],
      message: 'Query exceeded limit for bytes billed: 1000. 10485760 or higher required.',
    });
  });

  it('reports the bytesPerQuery estimate on a dry run without running it', async () => {
    fake.options.bytesPerQuery = (sql) => (sql.includes('events') ? 123_456_789 : 0);
    const [job] = await bq.createQueryJob({ query: 'DELETE FROM ds.events WHERE TRUE', dryRun: true, maximumBytesBilled: '1000' });

    expect(job.metadata).toMatchObject({ status: { state: 'DONE' }, statistics: { totalBytesProcessed: '123456789', query: { statementType: 'DELETE' } } });
    expect(job.metadata.jobReference.jobId).toBeUndefined();
    expect(fake.rows('ds.events')).toHaveLength(5);
  });

  it('cannot find datasets from another location', async () => {
    await expect(bq.query({ query: 'SELECT COUNT(*) AS c FROM ds.events', location: 'EU' })).rejects.toMatchObject({
      code: 404,
      message: `Not found: Dataset ${PROJECT}:ds was not found in location EU`,
    });
  });

  it('answers 400 invalidQuery for SQL that SQLite rejects and 501 for unknown endpoints', async () => {
    await expect(bq.query('SELECT nope FROM ds.events')).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
    await expect(bq.getDatasets()).rejects.toMatchObject({ code: 501, errors: [{ reason: 'notImplemented' }] });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `/bigquery/v2/projects/${PROJECT}/datasets` });
  });
});

describe('connection', () => {
  it('serves paths without /bigquery/v2 when BIGQUERY_EMULATOR_HOST is set', async () => {
    process.env.BIGQUERY_EMULATOR_HOST = fake.url;
    try {
      const [rows] = await client({ apiEndpoint: undefined }).query('SELECT COUNT(*) AS c FROM ds.events');
      expect(rows).toEqual([{ c: 5 }]);
    } finally {
      delete process.env.BIGQUERY_EMULATOR_HOST;
    }
    expect(fake.requests.at(-1)!.path).toBe(`/projects/${PROJECT}/queries`);
  });

  it('never asks a metadata server when given a pass-through auth client', async () => {
    // Point any metadata probe at the fake, where it would be recorded.
    const saved = { ...process.env };
    process.env.METADATA_SERVER_DETECTION = 'ping-only';
    process.env.GCE_METADATA_HOST = new URL(fake.url).host;
    process.env.GCE_METADATA_IP = new URL(fake.url).host;
    try {
      await client().query('SELECT 1 AS one');
      await client().dataset('ds').table('events').getMetadata();
    } finally {
      process.env = saved;
    }
    expect(fake.requests.map((r) => r.path).filter((p) => !p.startsWith('/bigquery/v2/'))).toEqual([]);
  });
});

describe('rewriteSql', () => {
  const cases: [string, string, string][] = [
    ['strips the project and quotes backticked names', 'SELECT * FROM `test-project.ds.t`', 'SELECT * FROM "ds"."t"'],
    ['strips an unquoted hyphenated project', 'SELECT * FROM test-project.ds.t', 'SELECT * FROM ds.t'],
    ['keeps plain dataset.table', 'SELECT a FROM ds.t WHERE a = @x', 'SELECT a FROM ds.t WHERE a = @x'],
    ['reads ARRAY parameters with json_each', 'SELECT 1 FROM ds.t WHERE a IN UNNEST(@xs)', 'SELECT 1 FROM ds.t WHERE a IN (SELECT value FROM json_each(@xs))'],
    ['maps the PARTITIONS view to its temp table', 'SELECT * FROM `test-project`.ds.INFORMATION_SCHEMA.PARTITIONS', 'SELECT * FROM "temp"."__partitions__ds"'],
    ['drops DATE literal prefixes and turns "strings" into SQLite strings', `SELECT DATE '2024-01-01', "it's"`, `SELECT '2024-01-01', 'it''s'`],
    ['adds INTO and FROM where BigQuery lets them be omitted', 'INSERT ds.t (a) VALUES (1)', 'INSERT INTO ds.t (a) VALUES (1)'],
    ['maps CAST target types', 'SELECT CAST(n AS STRING) AS date FROM ds.t', 'SELECT CAST(n AS TEXT) AS date FROM ds.t'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(rewriteSql(input, PROJECT).sql).toBe(expected);
  });

  it('lists referenced tables and the statement type', () => {
    expect(rewriteSql('DELETE ds.t WHERE a IN (SELECT a FROM other.u)', PROJECT)).toMatchObject({
      statementType: 'DELETE',
      tables: [
        { dataset: 'ds', table: 't' },
        { dataset: 'other', table: 'u' },
      ],
    });
  });
});
