// Job bookkeeping for the fake and the REST shapes built from a job: the Job
// resource (jobs.insert / jobs.get) and QueryResponse / GetQueryResultsResponse.

import { randomUUID } from 'node:crypto';
import type { QueryOutcome } from './engine.js';
import { BqError, encodeCell, type TimestampFormat } from './wire.js';

export interface JobRecord {
  projectId: string;
  jobId: string;
  location: string;
  /** Job configuration as BigQuery would echo it (query config, labels). */
  configuration: Record<string, unknown>;
  creationTime: number;
  /** How many more status reports say "not done yet" (the `incompletePolls` knob at creation). */
  pendingPolls: number;
  /** What the job runs when it completes: its query, or a failure decided when it was created. */
  work: { run: () => QueryOutcome } | { fail: BqError };
  state: 'RUNNING' | 'DONE';
  cancelled?: boolean;
  /** Index in the request log of the request that created the job, and of the one that saw it finish. */
  createdAt: number;
  doneAt?: number;
  outcome?: QueryOutcome;
  error?: BqError;
}

export interface PageRequest {
  pageToken?: string | undefined;
  startIndex?: string | number | undefined;
  maxResults?: string | number | undefined;
}

/** BigQuery finds a job without a location only in the US and EU multi-regions. */
const FOUND_WITHOUT_LOCATION = new Set(['US', 'EU']);

/** Every job the fake has run, by id and by jobs.query requestId. */
export class Jobs {
  private readonly byId = new Map<string, JobRecord>();
  private readonly byRequestId = new Map<string, JobRecord>();

  constructor(
    private readonly projectId: string,
    private readonly location: string,
  ) {}

  newId(): string {
    return `job_${randomUUID().replaceAll('-', '_')}`;
  }

  has(jobId: string): boolean {
    return this.byId.has(jobId);
  }

  add(job: JobRecord, requestId?: string): void {
    this.byId.set(job.jobId, job);
    if (requestId) this.byRequestId.set(requestId, job);
  }

  all(): JobRecord[] {
    return [...this.byId.values()];
  }

  /** A jobs.query retried with the same requestId returns the first job instead of running again. */
  byRequest(requestId: unknown): JobRecord | undefined {
    return typeof requestId === 'string' ? this.byRequestId.get(requestId) : undefined;
  }

  /**
   * Finds a job as BigQuery does: a location other than the job's is a 404, and so is no
   * location at all unless the job runs in the US or EU multi-region.
   */
  get(jobId: string, location: string | undefined): JobRecord {
    const job = this.byId.get(jobId);
    const found = job && (location ? location.toUpperCase() === job.location.toUpperCase() : FOUND_WITHOUT_LOCATION.has(job.location.toUpperCase()));
    if (!job || !found) {
      throw new BqError(404, 'notFound', `Not found: Job ${this.projectId}:${location ?? this.location}.${jobId}`);
    }
    return job;
  }
}

/**
 * Reports the job's state once, counting down its "still running" answers. The answer that finds
 * none left completes the job: only then does its query run and its write land (or its failure
 * show), so data appears when a job is done, as in BigQuery. `at` is this request's log index.
 */
export function pollJob(job: JobRecord, at: number): boolean {
  if (job.state === 'DONE') return true;
  if (job.pendingPolls > 0) {
    job.pendingPolls -= 1;
    return false;
  }
  job.state = 'DONE';
  job.doneAt = at;
  if ('fail' in job.work) job.error = job.work.fail;
  else {
    try {
      job.outcome = job.work.run();
    } catch (e) {
      if (!(e instanceof BqError)) throw e;
      job.error = e;
    }
  }
  return true;
}

/** jobs.cancel: a running job stops without running its query, so it writes nothing. */
export function cancelJob(job: JobRecord, at: number): void {
  if (job.state === 'DONE') return;
  job.state = 'DONE';
  job.cancelled = true;
  job.doneAt = at;
  job.error = new BqError(400, 'stopped', 'Job execution was cancelled: User requested cancellation');
}

/** A job as the fake's record shows it, for tests that check what ran, when and how it ended. */
export interface FakeJob {
  readonly jobId: string;
  readonly location: string;
  readonly sql: string;
  readonly labels: Record<string, string>;
  /** `dataset.table$decorator` of a write, else undefined. */
  readonly destination: string | undefined;
  readonly state: 'RUNNING' | 'DONE';
  /** The error reason of a job that failed or was cancelled (`stopped`). */
  readonly errorReason: string | undefined;
  readonly cancelled: boolean;
  /** Index in `requests` of the request that created the job, and of the one that saw it done. */
  readonly createdAt: number;
  readonly doneAt: number | undefined;
}

/** What tests see of a job (FakeBigQuery.jobs()). */
export function jobView(job: JobRecord): FakeJob {
  const query = (job.configuration.query ?? {}) as { query?: string; destinationTable?: { datasetId?: string; tableId?: string } };
  const dest = query.destinationTable;
  return {
    jobId: job.jobId,
    location: job.location,
    sql: String(query.query),
    labels: (job.configuration.labels ?? {}) as Record<string, string>,
    destination: dest ? `${dest.datasetId}.${dest.tableId}` : undefined,
    state: job.state,
    errorReason: job.error?.reason,
    cancelled: job.cancelled === true,
    createdAt: job.createdAt,
    doneAt: job.doneAt,
  };
}

function reference(job: JobRecord) {
  return { projectId: job.projectId, jobId: job.jobId, location: job.location };
}

function queryStatistics(outcome: QueryOutcome) {
  return {
    totalBytesProcessed: String(outcome.totalBytesProcessed),
    totalBytesBilled: String(outcome.totalBytesBilled),
    cacheHit: false,
    billingTier: 1,
    statementType: outcome.statementType,
    ...(outcome.schema ? { schema: { fields: outcome.schema } } : {}),
    ...(outcome.numDmlAffectedRows !== undefined
      ? { numDmlAffectedRows: String(outcome.numDmlAffectedRows), dmlStats: outcome.dmlStats }
      : {}),
  };
}

/** The Job resource of jobs.insert and jobs.get. */
export function jobResource(job: JobRecord, done: boolean) {
  const created = String(job.creationTime);
  const base = {
    kind: 'bigquery#job',
    etag: `"${job.jobId}"`,
    id: `${job.projectId}:${job.location}.${job.jobId}`,
    selfLink: `/bigquery/v2/projects/${job.projectId}/jobs/${job.jobId}?location=${job.location}`,
    user_email: 'fake-bigquery@example.com',
    jobReference: reference(job),
    configuration: { ...job.configuration, jobType: 'QUERY' },
  };
  if (!done) return { ...base, status: { state: 'RUNNING' }, statistics: { creationTime: created, startTime: created } };
  const statistics = { creationTime: created, startTime: created, endTime: String(Date.now()) };
  // A job that failed after it ran, or was cancelled: jobs.get answers 200 with the error inside.
  if (job.error) {
    const errorResult = { reason: job.error.reason, message: job.error.message };
    return { ...base, status: { state: 'DONE', errorResult, errors: [errorResult] }, statistics };
  }
  const outcome = job.outcome!;
  return {
    ...base,
    status: { state: 'DONE' },
    statistics: { ...statistics, totalBytesProcessed: String(outcome.totalBytesProcessed), query: queryStatistics(outcome) },
  };
}

/** The Job resource of a dry run: no job is created, so the reference has no jobId. */
export function dryRunResource(projectId: string, location: string, configuration: Record<string, unknown>, outcome: QueryOutcome) {
  return {
    kind: 'bigquery#job',
    etag: '"dry-run"',
    user_email: 'fake-bigquery@example.com',
    jobReference: { projectId, location },
    configuration: { ...configuration, jobType: 'QUERY' },
    status: { state: 'DONE' },
    statistics: {
      creationTime: String(Date.now()),
      totalBytesProcessed: String(outcome.totalBytesProcessed),
      query: { ...queryStatistics(outcome), totalBytesBilled: '0', totalBytesProcessedAccuracy: 'PRECISE' },
    },
  };
}

function encodePageToken(jobId: string, offset: number): string {
  return Buffer.from(`${jobId}:${offset}`).toString('base64url');
}

function decodePageToken(jobId: string, token: string): number {
  const [owner, offset] = Buffer.from(token, 'base64url').toString().split(':');
  if (owner !== jobId || !offset || !/^\d+$/.test(offset)) throw new BqError(400, 'invalid', `Invalid page token: ${token}`);
  return Number(offset);
}

/** QueryResponse (jobs.query) or GetQueryResultsResponse: one page of rows once the job is done. */
export function queryResponse(
  kind: 'bigquery#queryResponse' | 'bigquery#getQueryResultsResponse',
  job: JobRecord,
  done: boolean,
  page: PageRequest,
  pageSize: number,
  timestamps: TimestampFormat,
) {
  const base = {
    kind,
    jobReference: reference(job),
    // The 8.x client throws an uncatchable TypeError on a jobs.query response without jobReference or queryId.
    ...(kind === 'bigquery#queryResponse' ? { queryId: job.jobId } : { etag: `"${job.jobId}"` }),
  };
  if (!done) return { ...base, jobComplete: false };
  if (job.error) throw job.error;
  const outcome = job.outcome!;
  const complete = { ...base, jobComplete: true, cacheHit: false, totalBytesProcessed: String(outcome.totalBytesProcessed) };
  if (!outcome.schema) {
    return { ...complete, numDmlAffectedRows: String(outcome.numDmlAffectedRows ?? 0), ...(outcome.dmlStats ? { dmlStats: outcome.dmlStats } : {}) };
  }
  const start = page.pageToken ? decodePageToken(job.jobId, page.pageToken) : Number(page.startIndex ?? 0);
  const limit = Math.min(pageSize, page.maxResults === undefined ? Infinity : Number(page.maxResults));
  const end = Math.min(outcome.rows.length, start + limit);
  const fields = outcome.schema;
  const rows = outcome.rows.slice(start, end).map((values) => ({ f: fields.map((field, i) => encodeCell(field, values[i], timestamps)) }));
  return {
    ...complete,
    schema: { fields },
    totalRows: String(outcome.rows.length),
    // BigQuery leaves `rows` out of an empty page.
    ...(rows.length > 0 ? { rows } : {}),
    ...(end < outcome.rows.length ? { pageToken: encodePageToken(job.jobId, end) } : {}),
  };
}
