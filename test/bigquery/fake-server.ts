/**
 * A local fake of the BigQuery REST v2 endpoints that @google-cloud/bigquery 8
 * uses, backed by in-memory SQLite, so tests drive the real client library end
 * to end: request shapes, DATE and ARRAY parameters (type-checked against the
 * columns they are compared with), pageToken paging, jobs that run for a while
 * and land, fail or are cancelled when they end, lookups that need the job's
 * location, partition-decorator writes, the streaming buffer and error bodies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type QuerySpec } from './fake/engine.js';
import { cancelJob, dryRunResource, type FakeJob, jobResource, Jobs, jobView, pollJob, queryResponse, type JobRecord } from './fake/jobs.js';
import { insertAll, tableResource } from './fake/tables.js';
import { parseTableRef, Store, type TableMeta } from './fake/store.js';
import { BqError, errorBody, type FieldInput, type RecordedRequest, type TimestampFormat } from './fake/wire.js';

export type { FakeJob } from './fake/jobs.js';
export type { RecordedRequest } from './fake/wire.js';

export interface FakeBigQuery {
  /** 'http://127.0.0.1:PORT': pass as `apiEndpoint`; paths without `/bigquery/v2` (BIGQUERY_EMULATOR_HOST style) work too. */
  readonly url: string;
  /** Every request, in order, including failed and unknown ones. */
  readonly requests: RecordedRequest[];
  /** Creates a table (and its dataset); `partitionField` makes it column-partitioned by DAY unless `partitionType` says MONTH. */
  createTable(
    ref: string,
    schema: { name: string; type: string; mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED' }[],
    options?: { partitionField?: string; partitionType?: 'DAY' | 'MONTH' },
  ): void;
  /** Seeds rows directly (DATE as 'YYYY-MM-DD' or Date, TIMESTAMP as Date or ISO string); updates partition metadata. */
  insertRows(ref: string, rows: Record<string, unknown>[]): void;
  /** Streams rows as tabledata.insertAll does: queryable, but in the streaming buffer until flushed. */
  streamRows(ref: string, rows: Record<string, unknown>[]): void;
  /** Moves a table's streaming buffer into its date partitions. */
  flushStreamingBuffer(ref: string): void;
  /** The table's rows as plain values, in insertion order. */
  rows(ref: string): Record<string, unknown>[];
  /** Partition metadata as INFORMATION_SCHEMA.PARTITIONS reports it, sorted by id (code points, as ORDER BY sorts). */
  partitions(ref: string): { partitionId: string; totalRows: number; lastModifiedTime: number }[];
  /** Make the next request(s) matching `match` fail with this HTTP status and BigQuery error body. */
  failNext(match: (req: RecordedRequest) => boolean, error: { status: number; reason: string; message: string }, times?: number): void;
  /**
   * Make the next query job(s) whose jobs.insert or jobs.query request matches `match` fail as a
   * job rather than as a request: the job is created, stays RUNNING like any other (see
   * `incompletePolls`), then ends with this error instead of running its query, so nothing is
   * written — how BigQuery reports rateLimitExceeded "too many table update operations" or
   * quotaExceeded. jobs.get then shows it as `status.errorResult`; getQueryResults (and a
   * jobs.query that finds it done at once) as an HTTP error with `status` (default 403).
   */
  failJob(match: (req: RecordedRequest) => boolean, error: { reason: string; message: string; status?: number }, times?: number): void;
  /** Every job created so far, in creation order (dry runs create none). */
  jobs(): FakeJob[];
  /**
   * Knobs, read when a job is created or a page is served:
   * - `pageSize` (default 1000): most rows per page; a smaller `maxResults` from the client wins.
   * - `incompletePolls` (default 0): a new job's first N status answers say "still running" — the
   *   jobs.query / jobs.insert response itself counts, then getQueryResults / jobs.get calls. The
   *   job's query runs (and its write lands) on the answer that says it is done.
   *   A function gets the creating request, to hold back only some jobs.
   * - `bytesPerQuery`: the estimate (totalBytesProcessed), from the SQL and the scalar
   *   parameters' values by name. Default: 10 MiB for
   *   INFORMATION_SCHEMA queries, else the logical bytes of every table the SQL names.
   *   Billed bytes are that rounded up to MiB, at least 10 MiB (0 if the estimate is 0);
   *   a non-dry-run query billed above its maximumBytesBilled fails with bytesBilledLimitExceeded.
   */
  options: {
    pageSize: number;
    incompletePolls: number | ((req: RecordedRequest) => number);
    bytesPerQuery?: (sql: string, params: Record<string, unknown>) => number;
  };
  close(): Promise<void>;
}

interface Failure {
  match: (req: RecordedRequest) => boolean;
  error: { status: number; reason: string; message: string };
  remaining: number;
}

interface Reply {
  status: number;
  body: unknown;
}

type Handler = (req: RecordedRequest, params: Record<string, string>) => Reply;

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeBigQuery(options: { projectId?: string; location?: string } = {}): Promise<FakeBigQuery> {
  const projectId = options.projectId ?? 'test-project';
  const location = options.location ?? 'US';
  const knobs: FakeBigQuery['options'] = { pageSize: 1000, incompletePolls: 0 };
  const store = new Store(projectId, location);
  const engine = new Engine(store, knobs);
  const jobs = new Jobs(projectId, location);
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  const jobFailures: { match: (req: RecordedRequest) => boolean; error: BqError; remaining: number }[] = [];

  const ok = (body: unknown): Reply => ({ status: 200, body });

  const checkProject = (project: string, permission: string) => {
    if (project !== projectId) {
      throw new BqError(403, 'accessDenied', `Access Denied: Project ${project}: User does not have ${permission} permission in project ${project}.`);
    }
  };

  const timestampFormat = (useInt64: unknown, outputFormat: unknown): TimestampFormat => {
    if (outputFormat === 'ISO8601_STRING') return 'iso';
    return useInt64 === true || useInt64 === 'true' || outputFormat === 'INT64' ? 'int64' : 'float';
  };

  /** The log index of the request being served: requests are served one at a time, in order. */
  const now = () => requests.length - 1;

  /**
   * A new job that stays RUNNING for the `incompletePolls` knob's count of status reports and
   * runs its query (or fails, if failJob matched) only when a report finds it done.
   */
  const newJob = (req: RecordedRequest, jobId: string, jobLocation: string, configuration: Record<string, unknown>, spec: QuerySpec): JobRecord => {
    const failure = jobFailures.find((f) => f.remaining > 0 && f.match(req));
    if (failure) failure.remaining -= 1;
    return {
      projectId,
      jobId,
      location: jobLocation,
      configuration,
      creationTime: Date.now(),
      pendingPolls: typeof knobs.incompletePolls === 'function' ? knobs.incompletePolls(req) : knobs.incompletePolls,
      work: failure ? { fail: failure.error } : { run: () => engine.run(spec) },
      state: 'RUNNING',
      createdAt: now(),
    };
  };

  const handlers: [string, RegExp, Handler][] = [
    [
      'POST',
      /^\/projects\/(?<project>[^/]+)\/queries$/,
      (req, { project }) => {
        checkProject(project!, 'bigquery.jobs.create');
        const body = (req.body ?? {}) as Record<string, unknown>;
        const ts = timestampFormat(
          (body.formatOptions as Record<string, unknown> | undefined)?.useInt64Timestamp,
          (body.formatOptions as Record<string, unknown> | undefined)?.timestampOutputFormat,
        );
        const page = { maxResults: body.maxResults as number | undefined };
        const repeated = jobs.byRequest(body.requestId);
        if (repeated) return ok(queryResponse('bigquery#queryResponse', repeated, pollJob(repeated, now()), page, knobs.pageSize, ts));
        requireStandardSql(body.useLegacySql);
        const spec = querySpec(body);
        const jobLocation = typeof body.location === 'string' ? body.location : location;
        const configuration = {
          query: { query: body.query, useLegacySql: false, priority: 'INTERACTIVE', ...pick(body, ['queryParameters', 'parameterMode', 'maximumBytesBilled', 'defaultDataset']) },
          ...pick(body, ['labels', 'dryRun']),
        };
        const job = newJob(req, jobs.newId(), jobLocation, configuration, spec);
        // A dry run creates no job to poll: answer complete, with the estimate and no rows.
        if (spec.dryRun) {
          job.pendingPolls = 0;
          pollJob(job, now());
          return ok(queryResponse('bigquery#queryResponse', job, true, page, knobs.pageSize, ts));
        }
        jobs.add(job, typeof body.requestId === 'string' ? body.requestId : undefined);
        // The answer to jobs.query is the job's first status report; an error then is the request's.
        return ok(queryResponse('bigquery#queryResponse', job, pollJob(job, now()), page, knobs.pageSize, ts));
      },
    ],
    [
      'GET',
      /^\/projects\/(?<project>[^/]+)\/queries\/(?<id>[^/]+)$/,
      (req, { project, id }) => {
        checkProject(project!, 'bigquery.jobs.get');
        const job = jobs.get(id!, req.query.location);
        const ts = timestampFormat(req.query['formatOptions.useInt64Timestamp'], req.query['formatOptions.timestampOutputFormat']);
        // A job that failed after running answers with its error as the HTTP status (e.g. 403 rateLimitExceeded).
        return ok(queryResponse('bigquery#getQueryResultsResponse', job, pollJob(job, now()), req.query, knobs.pageSize, ts));
      },
    ],
    [
      'POST',
      /^\/projects\/(?<project>[^/]+)\/jobs$/,
      (req, { project }) => {
        checkProject(project!, 'bigquery.jobs.create');
        const body = (req.body ?? {}) as { jobReference?: { jobId?: string; location?: string }; configuration?: Record<string, unknown> };
        const configuration = body.configuration ?? {};
        const query = configuration.query as Record<string, unknown> | undefined;
        if (!query) throw new BqError(501, 'notImplemented', 'The fake BigQuery runs query jobs only (configuration.query)');
        requireStandardSql(query.useLegacySql);
        const jobId = body.jobReference?.jobId ?? jobs.newId();
        const jobLocation = body.jobReference?.location ?? location;
        const spec = querySpec({ ...query, labels: configuration.labels, dryRun: configuration.dryRun, location: jobLocation });
        if (spec.dryRun) {
          const outcome = engine.run(spec);
          return ok(dryRunResource(projectId, jobLocation, configuration, outcome));
        }
        if (jobs.has(jobId)) throw new BqError(409, 'duplicate', `Already Exists: Job ${projectId}:${jobLocation}.${jobId}`);
        const job = newJob(req, jobId, jobLocation, configuration, spec);
        jobs.add(job);
        return ok(jobResource(job, pollJob(job, now())));
      },
    ],
    [
      'GET',
      /^\/projects\/(?<project>[^/]+)\/jobs\/(?<id>[^/]+)$/,
      (req, { project, id }) => {
        checkProject(project!, 'bigquery.jobs.get');
        const job = jobs.get(id!, req.query.location);
        return ok(jobResource(job, pollJob(job, now())));
      },
    ],
    [
      'POST',
      /^\/projects\/(?<project>[^/]+)\/jobs\/(?<id>[^/]+)\/cancel$/,
      (req, { project, id }) => {
        checkProject(project!, 'bigquery.jobs.update');
        const job = jobs.get(id!, req.query.location);
        cancelJob(job, now());
        return ok({ kind: 'bigquery#jobCancelResponse', job: jobResource(job, true) });
      },
    ],
    [
      'GET',
      /^\/projects\/(?<project>[^/]+)\/datasets\/(?<dataset>[^/]+)$/,
      (_req, { project, dataset }) => {
        checkProject(project!, 'bigquery.datasets.get');
        if (!store.hasDataset(dataset!)) throw new BqError(404, 'notFound', `Not found: Dataset ${projectId}:${dataset}`);
        return ok({
          kind: 'bigquery#dataset',
          id: `${projectId}:${dataset}`,
          datasetReference: { projectId, datasetId: dataset },
          location,
          type: 'DEFAULT',
        });
      },
    ],
    [
      'POST',
      /^\/projects\/(?<project>[^/]+)\/datasets\/(?<dataset>[^/]+)\/tables\/(?<table>[^/]+)\/insertAll$/,
      (req, { project, dataset, table }) => {
        checkProject(project!, 'bigquery.tables.updateData');
        return ok(insertAll(store, store.requireTable(dataset!, table!), req.body));
      },
    ],
    [
      'GET',
      /^\/projects\/(?<project>[^/]+)\/datasets\/(?<dataset>[^/]+)\/tables\/(?<table>[^/]+)$/,
      (_req, { project, dataset, table }) => {
        checkProject(project!, 'bigquery.tables.get');
        const [tableId = ''] = table!.split('$');
        if (!store.hasDataset(dataset!)) throw new BqError(404, 'notFound', `Not found: Dataset ${projectId}:${dataset}`);
        return ok(tableResource(store, store.requireTable(dataset!, tableId)));
      },
    ],
  ];
  const route = (req: RecordedRequest): Reply => {
    const failure = failures.find((f) => f.remaining > 0 && f.match(req));
    if (failure) {
      failure.remaining -= 1;
      return { status: failure.error.status, body: errorBody(failure.error.status, failure.error.reason, failure.error.message) };
    }
    const path = req.path.replace(/^\/bigquery\/v2(?=\/)/, '');
    for (const [method, pattern, handler] of handlers) {
      const m = pattern.exec(path);
      if (!m || method !== req.method) continue;
      try {
        return handler(req, { ...m.groups });
      } catch (e) {
        if (e instanceof BqError) return { status: e.status, body: errorBody(e.status, e.reason, e.message) };
        // A bug in the fake, not a BigQuery outcome: 400 so the client does not retry it with backoff.
        const message = `Internal error in the fake BigQuery server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        return { status: 400, body: errorBody(400, 'fakeServerBug', message) };
      }
    }
    return { status: 501, body: errorBody(501, 'notImplemented', `The fake BigQuery server does not implement ${req.method} ${req.path}`) };
  };

  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const req: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname.split('/').map(safeDecode).join('/'),
        query: Object.fromEntries(url.searchParams),
        body,
      };
      requests.push(req);
      const reply = route(req);
      outgoing.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8' });
      outgoing.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const table = (ref: string): TableMeta => {
    const { dataset, table: name } = parseTableRef(ref, projectId);
    return store.requireTable(dataset, name);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    options: knobs,
    createTable(ref, schema, opts = {}) {
      const { dataset, table: name } = parseTableRef(ref, projectId);
      const partitioning = opts.partitionField ? { field: opts.partitionField, type: opts.partitionType ?? ('DAY' as const) } : undefined;
      store.createTable(dataset, name, schema as FieldInput[], partitioning);
    },
    insertRows(ref, rows) {
      store.insertRows(table(ref), rows);
    },
    streamRows(ref, rows) {
      store.insertStreaming(table(ref), rows);
    },
    flushStreamingBuffer(ref) {
      store.flushStreamingBuffer(table(ref));
    },
    rows(ref) {
      return store.rows(table(ref));
    },
    partitions(ref) {
      return [...table(ref).partitions.values()]
        .sort((a, b) => (a.partitionId < b.partitionId ? -1 : a.partitionId > b.partitionId ? 1 : 0))
        .map(({ partitionId, totalRows, lastModifiedTime }) => ({ partitionId, totalRows, lastModifiedTime }));
    },
    failNext(match, error, times = 1) {
      failures.push({ match, error, remaining: times });
    },
    failJob(match, error, times = 1) {
      jobFailures.push({ match, error: new BqError(error.status ?? 403, error.reason, error.message), remaining: times });
    },
    jobs() {
      return jobs.all().map(jobView);
    },
    async close() {
      // The client keeps connections alive; close them or server.close() waits for their timeout.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}

function requireStandardSql(useLegacySql: unknown): void {
  // The REST default is legacy SQL; the client always sends false, and so must any raw caller.
  if (useLegacySql !== false) {
    throw new BqError(400, 'invalidQuery', 'The fake BigQuery server runs standard SQL only: send useLegacySql: false');
  }
}

function querySpec(body: Record<string, unknown>): QuerySpec {
  return {
    query: body.query as string,
    ...pick(body, ['queryParameters', 'parameterMode', 'maximumBytesBilled', 'dryRun', 'destinationTable', 'writeDisposition', 'createDisposition', 'timePartitioning', 'labels', 'location']),
  } as QuerySpec;
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
