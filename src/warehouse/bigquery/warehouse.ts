/**
 * The production warehouse. Coverage comes from partition metadata (one INFORMATION_SCHEMA query
 * per dataset, no table scan); SQL targets are written one day partition per query job with
 * WRITE_TRUNCATE, which replaces a partition atomically, so a re-run never duplicates rows.
 */
import fs from 'node:fs';
import { BigQuery, type Job, type Query } from '@google-cloud/bigquery';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Range } from '../../config/config.js';
import type { BigQueryWarehouseConfig, IsoDate } from '../../config/types.js';
import { isIsoDate } from '../../util/dates.js';
import { FatalError, UsageError } from '../../util/errors.js';
import type { DateFacts, SqlWrite, TableRef, Warehouse } from '../warehouse.js';
import { createClient, emulatorEndpoint, usesGoogle } from './client.js';
import { explainBigQueryError } from './errors.js';
import { estimateSql } from './estimate.js';
import { datasetKey, labelValue, partitionId, resolveTable, tableName, type TableId } from './names.js';
import { defaultBackoff, retrying, sleep } from './retry.js';
import { distinctDatesQuery, partitionsQuery, STREAMING_PARTITION } from './sql.js';
import { dateSource, type DateSource, type DateType, type TableResource } from './tables.js';

/** 10 GiB: far above any coverage query, low enough that a runaway SELECT fails unbilled. */
export const DEFAULT_MAX_BYTES_BILLED = 10 * 1024 ** 3;
/** Concurrent coverage and metadata requests. */
const READ_CONCURRENCY = 8;
const POLL_PAUSE_MS = 100;

export interface BigQueryOptions {
  /** Labels every job (`bftask_run`): the CLI's id of this run, used as given. */
  readonly runId: string;
  /** How long to wait before retry n (0-based); default: defaultBackoff(). */
  readonly backoffMs?: (attempt: number) => number;
}

/** A table whose dates are read, and how. */
interface Entry {
  readonly ref: TableRef;
  readonly id: TableId;
  readonly source: DateSource;
}

/** A coverage query's cost, for --dry-run. */
export interface QueryCost {
  /** The dataset read, or the target whose check it was. */
  readonly dataset: string;
  readonly kind: 'partitions' | 'distinct' | 'check';
  readonly bytesProcessed: number;
}

export function openBigQuery(config: BigQueryWarehouseConfig, options: BigQueryOptions): Warehouse {
  const client = createClient(config);
  const read = pLimit(READ_CONCURRENCY);
  const tableWrites = new Map<string, LimitFunction>();
  const maximumBytesBilled = String(config.maximumBytesBilled ?? DEFAULT_MAX_BYTES_BILLED);
  const backoffMs = options.backoffMs ?? defaultBackoff();
  const costs: QueryCost[] = [];
  const labels = (target: string) => ({ ...config.labels, bftask_target: labelValue(target), bftask_run: labelValue(options.runId) });

  /**
   * Retries work that failed transiently; work that still fails throws one line (UsageError: exit
   * 2 for configuration). With `userSql`, SQL from the config failing for good is the config's fault.
   */
  const retried = async <T>(doing: string, permission: string | undefined, work: () => Promise<T>, userSql = false): Promise<T> => {
    const attempt = await retrying(work, (error) => explainBigQueryError(error, doing, permission), { backoffMs });
    if ('value' in attempt) return attempt.value;
    const { failure } = attempt;
    throw failure.config || (userSql && !failure.retry) ? new UsageError(failure.message) : new FatalError(failure.message);
  };

  // Google's endpoint needs credentials, and without any the library would send each request
  // without a token (and report whatever the network says): find them before the first request.
  let credentials: Promise<void> | undefined;
  const authorized = (): Promise<void> =>
    (credentials ??= usesGoogle(config) ? retried('connecting to BigQuery', undefined, async () => void (await client.authClient.getAccessToken())) : Promise.resolve());

  /** A read, after the credentials check, retried like any request. */
  const reading = async <T>(doing: string, permission: string, work: () => Promise<T>, userSql = false): Promise<T> => {
    await authorized();
    return retried(doing, permission, work, userSql);
  };

  /** Runs a read query and returns its rows, all pages of them. */
  const query = (sql: string, params: Query['params'], doing: string, target: string, cost?: Omit<QueryCost, 'bytesProcessed'>, userSql = false) =>
    reading(doing, 'bigquery.jobs.create', async () => {
      const [job] = await client.createQueryJob({ query: sql, params, location: config.location, maximumBytesBilled, labels: labels(target) });
      // Resolves to [rows, query, lastResponse] although typed as two elements. jobs.insert
      // usually answers before the job is done, without statistics: the last page has them.
      const [rows, , response] = (await job.getQueryResults()) as unknown as [unknown[], unknown, { totalBytesProcessed?: string } | undefined];
      const bytes = response?.totalBytesProcessed ?? job.metadata?.statistics?.totalBytesProcessed;
      if (cost) costs.push({ ...cost, bytesProcessed: Number(bytes ?? 0) });
      return rows as Record<string, unknown>[];
    }, userSql);

  /** tables.get: free. Undefined when the table does not exist yet (nothing built). */
  const describe = async (id: TableId, column: string): Promise<DateSource | undefined> => {
    const name = tableName(id);
    const table = client.dataset(id.datasetId, { projectId: id.projectId }).table(id.tableId);
    const metadata = await reading(`reading ${name}`, 'bigquery.tables.get', async () => {
      try {
        return (await table.getMetadata())[0] as TableResource;
      } catch (error) {
        if ((error as { code?: unknown }).code === 404 && /not found: Table/i.test(String((error as Error).message))) return undefined;
        throw error;
      }
    });
    return metadata && dateSource(metadata, name, column);
  };

  /**
   * A scan of the column's distinct dates in the range (for tables partition metadata cannot
   * answer), with each date's row count when `countRows`.
   */
  const distinct = async (id: TableId, column: string, type: DateType, range: Range, target: string, countRows = false) => {
    const { sql, params } = distinctDatesQuery(id, column, type, range, countRows);
    const rows = await query(sql, params, `reading dates of ${tableName(id)}`, target, { dataset: datasetKey(id), kind: 'distinct' });
    return rows
      .map((r) => ({ date: dateValue(r.d), rows: countRows ? Number(r.n) : undefined }))
      .filter((r): r is { date: IsoDate; rows: number | undefined } => isIsoDate(r.date))
      .sort((a, b) => (a.date < b.date ? -1 : 1));
  };

  return {
    description: `bigquery ${config.projectId} (${config.location})`,

    bytesCap: Number(maximumBytesBilled),

    costReport() {
      if (costs.length === 0) return [];
      const total = costs.reduce((n, c) => n + c.bytesProcessed, 0);
      const partitions = costs.filter((c) => c.kind === 'partitions').length;
      const checks = costs.filter((c) => c.kind === 'check').length;
      return [
        `coverage: ${costs.length} queries (${partitions} INFORMATION_SCHEMA.PARTITIONS, one per dataset; ` +
          `${costs.length - partitions - checks} SELECT DISTINCT${checks > 0 ? `; ${checks} data checks` : ''}) · ${total.toLocaleString('en-US')} bytes processed · ` +
          `billed at least 10 MB each · cap ${Number(maximumBytesBilled).toLocaleString('en-US')} bytes per query`,
        ...costs.map((c) => `  ${c.kind.padEnd(10)} ${c.dataset}  ${c.bytesProcessed.toLocaleString('en-US')} bytes`),
      ];
    },

    async presentDates(tables, range) {
      const ids = tables.map((ref) => ({ ref, id: resolveTable(ref.table, config) }));
      const sources = await Promise.all(ids.map(({ ref, id }) => read(() => describe(id, ref.dateColumn))));
      const present = new Map<string, Map<IsoDate, DateFacts>>();
      const byDataset = new Map<string, Entry[]>();
      const scans: Promise<void>[] = [];
      /**
       * Adds the dates a scan found; `at` is when they were written, where known. Its row counts
       * (asked for minRows) replace the partitions': the scan also sees the streaming buffer.
       */
      const scan = (entry: Entry, at: number | undefined) =>
        read(async () => {
          const dates = present.get(entry.ref.table)!;
          for (const d of await distinct(entry.id, entry.ref.dateColumn, entry.source.type, range, 'coverage', entry.ref.countRows)) {
            const known = dates.get(d.date);
            dates.set(d.date, { modified: Math.max(known?.modified ?? 0, at ?? 0) || undefined, rows: d.rows ?? known?.rows });
          }
        });
      ids.forEach(({ ref, id }, i) => {
        const source = sources[i];
        present.set(ref.table, new Map());
        if (source === undefined) return;
        if (source.partitioned) byDataset.set(datasetKey(id), [...(byDataset.get(datasetKey(id)) ?? []), { ref, id, source }]);
        else scans.push(scan({ ref, id, source }, undefined));
      });
      const perDataset = [...byDataset.values()].map(async (entries) => {
        const { projectId, datasetId } = entries[0]!.id;
        const rows = await read(() =>
          query(
            partitionsQuery(projectId, datasetId),
            { tables: entries.map((e) => e.id.tableId), from: partitionId(range.start), to: partitionId(range.end) },
            `reading partitions of ${projectId}.${datasetId}`,
            'coverage',
            { dataset: `${projectId}.${datasetId}`, kind: 'partitions' },
          ),
        );
        const streaming: Promise<void>[] = [];
        for (const row of rows) {
          const entry = entries.find((e) => e.id.tableId === row.table_name);
          if (!entry) continue;
          const modified = timestampMs(row.last_modified_time);
          if (row.partition_id === STREAMING_PARTITION) {
            // Streamed rows are in no date partition until BigQuery moves them, minutes later:
            // only a scan sees their dates. (Its own read slot: this one is released first.)
            if (row.total_rows === null || Number(row.total_rows) > 0) streaming.push(scan(entry, modified));
            continue;
          }
          const date = partitionDate(String(row.partition_id));
          // total_rows comes with the metadata: minRows costs nothing more.
          if (date) present.get(entry.ref.table)!.set(date, { modified, rows: row.total_rows == null ? undefined : Number(row.total_rows) });
        }
        await Promise.all(streaming);
      });
      await Promise.all([...perDataset, ...scans]);
      return present;
    },

    async calendarDates(ref, range) {
      const id = resolveTable(ref.table, config);
      const source = await describe(id, ref.dateColumn);
      if (source === undefined) throw new UsageError(`calendar.table: no table ${tableName(id)}`);
      return (await distinct(id, ref.dateColumn, source.type, range, 'calendar')).map((d) => d.date);
    },

    async failingDates(check) {
      // @start and @end are DATEs, as for SQL targets.
      const params = { start: BigQuery.date(check.range.start), end: BigQuery.date(check.range.end) };
      const rows = await read(() => query(check.sql, params, 'cannot run on BigQuery', check.target, { dataset: check.target, kind: 'check' }, true));
      return checkedDates(rows, check.ref.dateColumn);
    },

    estimateSql(targets) {
      const dryRun = (target: string, sql: string, date: IsoDate) =>
        reading(`dry run for ${date}`, 'bigquery.jobs.create', async () => {
          const [job] = await client.createQueryJob({
            query: sql,
            params: { start: BigQuery.date(date), end: BigQuery.date(date) },
            location: config.location,
            dryRun: true,
            labels: labels(target),
          });
          return Number(job.metadata?.statistics?.totalBytesProcessed ?? 0);
        });
      return estimateSql(targets, dryRun, Number(maximumBytesBilled), read);
    },

    async writeSql(request: SqlWrite) {
      await authorized();
      const id = resolveTable(request.ref.table, config);
      const key = `${datasetKey(id)}.${id.tableId}`;
      let limit = tableWrites.get(key);
      if (!limit) tableWrites.set(key, (limit = pLimit(config.maxTableWrites ?? 2)));
      const log = (line: string) => fs.appendFileSync(request.logFile, `${new Date().toISOString()} ${line}\n`);
      log(`SQL into ${key}, one WRITE_TRUNCATE job per date partition:\n${request.sql}`);
      const failures = await Promise.all(
        request.dates.map((date) =>
          limit(async () => {
            if (request.signal.aborted) return 'interrupted';
            const partition = `${key}$${partitionId(date)}`;
            const attempt = await retrying(
              async () => {
                // Checked before every try: Ctrl-C during a backoff must not start another job.
                if (request.signal.aborted) return 'interrupted';
                const [job] = await client.createQueryJob({
                  query: request.sql,
                  params: { start: BigQuery.date(date), end: BigQuery.date(date) },
                  destination: client.dataset(id.datasetId, { projectId: id.projectId }).table(`${id.tableId}$${partitionId(date)}`),
                  writeDisposition: 'WRITE_TRUNCATE',
                  createDisposition: 'CREATE_IF_NEEDED',
                  timePartitioning: { type: 'DAY', field: request.ref.dateColumn },
                  location: config.location,
                  maximumBytesBilled,
                  labels: labels(request.target),
                });
                const done = await waitForJob(job, request.signal);
                if (done === 'interrupted') return done;
                log(`${date}: job ${job.id} done, ${done.totalBytesProcessed ?? job.metadata?.statistics?.totalBytesProcessed ?? '?'} bytes processed`);
                return undefined;
              },
              (error) => explainBigQueryError(error, `writing ${partition}`, 'bigquery.jobs.create and bigquery.tables.updateData'),
              {
                backoffMs,
                signal: request.signal,
                onFailure: (explained, wait) => log(`${date}: ${explained.message}${wait === undefined ? '' : ` — trying again in ${wait} ms`}`),
              },
            );
            return 'value' in attempt ? attempt.value : attempt.failure.message;
          }),
        ),
      );
      if (request.signal.aborted || failures.includes('interrupted')) return { message: 'interrupted', interrupted: true };
      const failed = failures.filter((f): f is string => f !== undefined);
      return failed.length === 0 ? undefined : { message: `${failed.length} of ${request.dates.length} dates: ${failed[0]}` };
    },

    stepEnv() {
      const endpoint = emulatorEndpoint(config);
      return {
        BFTASK_WAREHOUSE: 'bigquery',
        BFTASK_BIGQUERY_PROJECT: config.projectId,
        BFTASK_BIGQUERY_LOCATION: config.location,
        ...(config.dataset ? { BFTASK_BIGQUERY_DATASET: config.dataset } : {}),
        // A step's own client library then talks to the same emulator.
        ...(endpoint ? { BIGQUERY_EMULATOR_HOST: endpoint } : {}),
      };
    },
    close() {},
  };
}

/**
 * Waits until a job is done without reading its rows. `getQueryResults({ maxResults: 0 })` with
 * auto-paging never ends for a query that returned rows: the library treats 0 as "no limit"
 * and follows a pageToken that never advances. One page at a time, the server long-polls.
 */
async function waitForJob(job: Job, signal: AbortSignal): Promise<{ totalBytesProcessed?: string } | 'interrupted'> {
  for (;;) {
    if (signal.aborted) {
      // A WRITE_TRUNCATE job lands whole or not at all, so cancelling it loses nothing.
      await job.cancel().catch(() => undefined);
      return 'interrupted';
    }
    const [, , response] = (await job.getQueryResults({ maxResults: 0, autoPaginate: false })) as unknown as [
      unknown,
      unknown,
      { jobComplete?: boolean; totalBytesProcessed?: string } | undefined,
    ];
    if (response?.jobComplete !== false) return response ?? {};
    // BigQuery holds each poll open until the job is done or a timeout passes; an emulator may
    // answer at once, and must not be polled in a tight loop.
    await sleep(POLL_PAUSE_MS, signal);
  }
}

/** A DATE cell as the client returns it: a string, or a BigQueryDate `{ value }`. */
function dateValue(cell: unknown): unknown {
  return typeof cell === 'object' && cell !== null && 'value' in cell ? (cell as { value: unknown }).value : cell;
}

/** The dates a check returned, in its `date` column or the target's date column (DATE, DATETIME or TIMESTAMP). */
function checkedDates(rows: readonly Record<string, unknown>[], dateColumn: string): IsoDate[] {
  const first = rows[0];
  if (first === undefined) return [];
  const names = Object.keys(first);
  const column = names.find((n) => n.toLowerCase() === 'date') ?? names.find((n) => n.toLowerCase() === dateColumn.toLowerCase());
  if (column === undefined) throw new UsageError(`returns no column named date or ${dateColumn} (it returns ${names.join(', ')})`);
  const dates = new Set<IsoDate>();
  for (const row of rows) {
    const value = dateValue(row[column]);
    const date = typeof value === 'string' ? value.slice(0, 10) : undefined;
    if (date === undefined || !isIsoDate(date)) throw new UsageError(`returned ${JSON.stringify(value)} in column ${column}, not a date`);
    dates.add(date);
  }
  return [...dates].sort();
}

/** `20240105` → `2024-01-05`; `__NULL__` and `__UNPARTITIONED__` → undefined. */
function partitionDate(id: string): IsoDate | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(id);
  const date = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  return date && isIsoDate(date) ? date : undefined;
}

/** A TIMESTAMP cell (BigQueryTimestamp, ISO string or epoch) in ms. */
function timestampMs(cell: unknown): number | undefined {
  const value = dateValue(cell);
  const ms = typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isFinite(ms) ? ms : undefined;
}
