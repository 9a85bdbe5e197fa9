/**
 * The BigQuery end-to-end rig: the fake BigQuery server in the test process, the real CLI as a
 * child process pointed at it, and readers that turn the fake's recorded requests into the
 * queries and jobs bftask sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { makeProject, ROOT, type CliResult, type Project } from '../rig.js';
import { type FakeBigQuery, type RecordedRequest, startFakeBigQuery } from './fake-server.js';

export const PROJECT = 'test-project';
/** The fixture command that writes partitions through the fake (see writer.mjs). */
export const WRITER = path.join(ROOT, 'test', 'bigquery', 'writer.mjs');
/** The first retry wait the rig gives bftask (BFTASK_BIGQUERY_BACKOFF_MS), so retries take no real time. */
export const BACKOFF_MS = 10;
/** `DEFAULT_MAX_BYTES_BILLED` in src/warehouse/bigquery/warehouse.ts: 10 GiB. */
export const DEFAULT_CAP = String(10 * 1024 ** 3);

/**
 * Stands where the GCE metadata server would be (GCE_METADATA_HOST): every request is recorded
 * and answered 404, which google-auth-library reads as "not on Google Cloud", at once and
 * without leaving the machine.
 */
export interface MetadataTrap {
  readonly host: string;
  readonly hits: string[];
  close(): Promise<void>;
}

/**
 * The environment of a bftask with no Google credentials anywhere: no ~/.config/gcloud, no
 * GOOGLE_APPLICATION_CREDENTIALS (the rig passes no other variables), and the metadata server
 * at the trap.
 */
export function offlineEnv(dir: string, trap: MetadataTrap): Record<string, string> {
  return { HOME: dir, CLOUDSDK_CONFIG: path.join(dir, 'no-gcloud'), GCE_METADATA_HOST: trap.host };
}

export async function startMetadataTrap(): Promise<MetadataTrap> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not a metadata server');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface BigQueryConfigOptions {
  /** Source of the `targets` object. */
  readonly targets: string;
  /** Extra properties of `bigquery({...})`, as source, e.g. `maximumBytesBilled: 1e9`. */
  readonly warehouse?: string;
  readonly range?: readonly [string, string];
  /** Other top-level config properties, as source. */
  readonly extra?: string;
  /** `apiEndpoint` (default: the fake's URL; null: none, i.e. Google's own endpoint). */
  readonly endpoint?: string | null;
  /** `location` (default: US); the fake runs there too. */
  readonly location?: string;
  /** `projectId` (default: the fake's, test-project). */
  readonly projectId?: string;
}

/** A backfill.config.ts on `bigquery({ projectId: 'test-project', location: 'US', apiEndpoint: fake, ... })`. */
export function bigqueryConfig(fakeUrl: string, options: BigQueryConfigOptions): string {
  const [start, end] = options.range ?? ['2024-01-01', '2024-01-10'];
  return `import { bigquery, defineConfig } from 'bftask';
const writer = (table: string, ...extra: string[]) => ${JSON.stringify(['node', WRITER])}.concat(['--table', table, ...extra]);
export default defineConfig({
  warehouse: bigquery({ projectId: ${JSON.stringify(options.projectId ?? PROJECT)}, location: ${JSON.stringify(options.location ?? 'US')}, ${options.endpoint === null ? '' : `apiEndpoint: ${JSON.stringify(options.endpoint ?? fakeUrl)},`} ${options.warehouse ?? ''} }),
  range: { start: '${start}', end: '${end}' },
  ${options.extra ?? ''}
  targets: ${options.targets},
});
`;
}

export interface BigQueryRig {
  readonly fake: FakeBigQuery;
  readonly trap: MetadataTrap;
  readonly project: Project;
  /**
   * Runs `bftask ...args` with no Google credentials, the metadata server replaced by the trap
   * and retries waiting BACKOFF_MS, 2×, 4×…; unless `probeExpected`, checks that nothing asked the
   * metadata server anything.
   */
  bftask(args: readonly string[], options?: { env?: Record<string, string>; probeExpected?: boolean }): Promise<CliResult>;
  /** Requests recorded since `from` (an index into fake.requests). */
  since(from: number): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a fake and a metadata trap, and writes a project whose config points at the fake. */
export async function startRig(config: BigQueryConfigOptions, seed?: (fake: FakeBigQuery) => void): Promise<BigQueryRig> {
  const fake = await startFakeBigQuery({ projectId: PROJECT, location: config.location ?? 'US' });
  const trap = await startMetadataTrap();
  seed?.(fake);
  const project = makeProject({ 'backfill.config.ts': bigqueryConfig(fake.url, config) });
  return {
    fake,
    trap,
    project,
    async bftask(args, options = {}) {
      const result = await project.bftask(args, {
        env: {
          ...offlineEnv(project.dir, trap),
          BFTASK_BIGQUERY_BACKOFF_MS: String(BACKOFF_MS),
          ...options.env,
        },
      });
      if (!options.probeExpected) expect(trap.hits, 'requests to the metadata server').toEqual([]);
      return result;
    },
    since: (from) => fake.requests.slice(from),
    async close() {
      await fake.close();
      await trap.close();
      project.remove();
    },
  };
}

export interface QueryParam {
  name?: string;
  parameterType?: { type?: string; arrayType?: { type?: string } };
  parameterValue?: { value?: unknown; arrayValues?: { value?: unknown }[] };
}

/** One query bftask (or a step's command) asked BigQuery to run, from jobs.insert or jobs.query. */
export interface SentQuery {
  /** Position in fake.requests. */
  readonly index: number;
  readonly via: 'jobs.insert' | 'jobs.query';
  readonly sql: string;
  readonly params: QueryParam[];
  readonly labels: Record<string, string>;
  readonly maximumBytesBilled: string | undefined;
  readonly location: string | undefined;
  readonly dryRun: boolean;
  readonly jobId: string | undefined;
  /** `dataset.table$decorator` of a write, else undefined. */
  readonly destination: string | undefined;
  readonly writeDisposition: string | undefined;
}

type Body = Record<string, unknown>;
const isPost = (r: RecordedRequest, tail: string) =>
  r.method === 'POST' && r.path.replace(/^\/bigquery\/v2/, '') === `/projects/${PROJECT}/${tail}`;

/** Every query sent, in order, whichever endpoint carried it. */
export function sentQueries(requests: readonly RecordedRequest[]): SentQuery[] {
  const out: SentQuery[] = [];
  requests.forEach((r, index) => {
    let query: Body;
    let outer: Body;
    let via: SentQuery['via'];
    let jobId: string | undefined;
    let location: string | undefined;
    if (isPost(r, 'jobs')) {
      const body = (r.body ?? {}) as { configuration?: Body; jobReference?: { jobId?: string; location?: string } };
      outer = body.configuration ?? {};
      query = (outer.query ?? {}) as Body;
      via = 'jobs.insert';
      jobId = body.jobReference?.jobId;
      location = body.jobReference?.location;
    } else if (isPost(r, 'queries')) {
      outer = query = (r.body ?? {}) as Body;
      via = 'jobs.query';
      location = query.location as string | undefined;
    } else return;
    const dest = query.destinationTable as { datasetId?: string; tableId?: string } | undefined;
    out.push({
      index,
      via,
      sql: String(query.query),
      params: (query.queryParameters ?? []) as QueryParam[],
      labels: (outer.labels ?? {}) as Record<string, string>,
      maximumBytesBilled: query.maximumBytesBilled === undefined ? undefined : String(query.maximumBytesBilled),
      location,
      dryRun: outer.dryRun === true,
      jobId,
      destination: dest ? `${dest.datasetId}.${dest.tableId}` : undefined,
      writeDisposition: query.writeDisposition as string | undefined,
    });
  });
  return out;
}

export const isPartitionsQuery = (q: { readonly sql: string }): boolean => /INFORMATION_SCHEMA\.PARTITIONS/i.test(q.sql);

/** The query a jobs.insert request carries, for failNext/failJob matchers; undefined for other requests. */
export function insertedQuery(r: RecordedRequest): SentQuery | undefined {
  return r.method === 'POST' && /\/projects\/[^/]+\/jobs$/.test(r.path) ? sentQueries([r])[0] : undefined;
}

/** Matches the jobs.insert of a PARTITIONS query about exactly these tables, in any order (e.g. one step's check). */
export const partitionsQueryOf = (...tables: string[]) => (r: RecordedRequest): boolean => {
  const q = insertedQuery(r);
  const asked = q && isPartitionsQuery(q) ? (param(q, 'tables')?.value as string[]) : undefined;
  return asked !== undefined && JSON.stringify([...asked].sort()) === JSON.stringify([...tables].sort());
};

/** Matches the jobs.insert of a write into `dataset.table$YYYYMMDD`. */
export const writeInto = (partition: string) => (r: RecordedRequest): boolean => insertedQuery(r)?.destination === partition;
export const isDistinctQuery = (q: { readonly sql: string }): boolean => /SELECT\s+DISTINCT/i.test(q.sql);

/** A named parameter's sent value: a scalar's value, an array's values, or the raw parameterValue. */
export function param(q: SentQuery, name: string): { type: string | undefined; value: unknown } | undefined {
  const p = q.params.find((x) => x.name === name);
  if (!p) return undefined;
  const type = p.parameterType?.type;
  const value = type === 'ARRAY' ? (p.parameterValue?.arrayValues ?? []).map((v) => v.value) : p.parameterValue?.value;
  return { type: type === 'ARRAY' ? `ARRAY<${p.parameterType?.arrayType?.type}>` : type, value };
}

/** `dataset/table` of every tables.get request, in order. */
export function tablesGets(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.method === 'GET')
    .map((r) => /^(?:\/bigquery\/v2)?\/projects\/[^/]+\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(r.path))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}.${m[2]}`);
}

/** Every day from `start` to `end`, inclusive (UTC). */
export function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d.toISOString().slice(0, 10) <= end; d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** `2024-01-05` → `20240105`, a day partition's id and decorator. */
export const compact = (date: string): string => date.replaceAll('-', '');

/** Creates `ref` (d DATE, user_id STRING; by default DAY-partitioned on d) with one row per date. */
export function seedTable(
  fake: FakeBigQuery,
  ref: string,
  dates: readonly string[],
  options: { partitionField?: string; partitionType?: 'DAY' | 'MONTH'; unpartitioned?: boolean } = {},
): void {
  const schema = [
    { name: 'd', type: 'DATE' },
    { name: 'user_id', type: 'STRING' },
    { name: 'ts', type: 'TIMESTAMP' },
  ];
  fake.createTable(
    ref,
    schema,
    options.unpartitioned ? {} : { partitionField: options.partitionField ?? 'd', ...(options.partitionType ? { partitionType: options.partitionType } : {}) },
  );
  // ts lies a day later than d, so a table partitioned on ts has other partitions than its d dates.
  const later = (d: string) => new Date(Date.parse(`${d}T12:00:00Z`) + 86_400_000).toISOString();
  if (dates.length > 0) fake.insertRows(ref, dates.map((d) => ({ d, user_id: 'seed', ts: later(d) })));
}

/** A table's dates as stored in the fake (DATE column `d`), sorted, duplicates kept. */
export const datesOf = (fake: FakeBigQuery, table: string): string[] =>
  fake.rows(table).map((r) => String(r.d)).sort();

/** Starts a rig, runs `body`, and always closes it: for tests that run concurrently. */
export async function withRig<T>(
  config: BigQueryConfigOptions,
  seed: ((fake: FakeBigQuery) => void) | undefined,
  body: (rig: BigQueryRig) => Promise<T>,
): Promise<T> {
  const rig = await startRig(config, seed);
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

/**
 * How long each write job into `dataset.table` was in flight, in positions of fake.requests:
 * from its jobs.insert to the last request about that job (the poll that saw it done). The
 * fake serves requests one at a time in arrival order, so two jobs overlap exactly when one
 * was inserted before the other's last poll — no clock involved.
 */
export function writeIntervals(requests: readonly RecordedRequest[], table: string): { job: string; from: number; to: number }[] {
  return sentQueries(requests)
    .filter((q) => q.destination?.startsWith(`${table}$`) && q.jobId !== undefined)
    .map((q) => {
      let to = q.index;
      requests.forEach((r, i) => {
        if (r.path.endsWith(`/queries/${q.jobId}`) || r.path.endsWith(`/jobs/${q.jobId}`)) to = Math.max(to, i);
      });
      return { job: q.destination!, from: q.index, to };
    });
}

/** The most intervals open at once. */
export function maxOverlap(intervals: readonly { from: number; to: number }[]): number {
  let most = 0;
  for (const a of intervals) most = Math.max(most, intervals.filter((b) => b.from <= a.from && a.from <= b.to).length);
  return most;
}
