/** The shape a user writes in backfill.config.ts (see `defineConfig`). */

/** A calendar date, always `YYYY-MM-DD`. */
export type IsoDate = string;

/** Where coverage and steps' output live: the embedded SQLite file or BigQuery. */
export type WarehouseConfig = SqliteWarehouseConfig | BigQueryWarehouseConfig;

export interface SqliteWarehouseConfig {
  readonly kind: 'sqlite';
  /** Path of the database file, relative to the config file's folder. */
  readonly path: string;
}

export interface BigQueryWarehouseConfig {
  readonly kind: 'bigquery';
  readonly projectId: string;
  /** Where jobs run, e.g. `US` or `europe-west1`. */
  readonly location: string;
  /** The dataset of table names written without one. */
  readonly dataset?: string;
  /** Every query's billing cap in bytes (default 10 GiB); a query that would bill more fails unbilled. */
  readonly maximumBytesBilled?: number;
  /** Labels added to every job, besides `bftask_target` and `bftask_run`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** A BigQuery emulator or test server, e.g. `http://127.0.0.1:9050`; also `BIGQUERY_EMULATOR_HOST`. */
  readonly apiEndpoint?: string;
  /** At most this many concurrent writes per table (BigQuery's table update quotas; default 2). */
  readonly maxTableWrites?: number;
}

/**
 * Where command steps run when not on this machine: a Cloud Run job whose container runs its
 * arguments (e.g. entrypoint `/usr/bin/env`); each step is one execution with the step's argv
 * and BFTASK_* variables as overrides.
 */
export interface CloudRunJobConfig {
  readonly kind: 'cloud-run-job';
  readonly projectId: string;
  /** The job's region, e.g. `us-west2`. */
  readonly location: string;
  /** The job's name. */
  readonly job: string;
  /** Executions in flight at once (default 10); they take no slot of the global concurrency. */
  readonly concurrency?: number;
  /** A local Cloud Run Admin API server (tests, emulators), e.g. `http://127.0.0.1:8123`: no credentials. */
  readonly apiEndpoint?: string;
  /** An execution's timeout when its target sets none (seconds, or `'30m'`); default: the job's own. */
  readonly timeout?: Duration;
}

export type RunnerConfig = CloudRunJobConfig;

/** Dates the pipeline runs on: a table's distinct dates, every day, or an explicit list. */
export type CalendarConfig =
  | 'daily'
  | readonly IsoDate[]
  | { readonly table: string; readonly dateColumn: string };

/** `'upstream'` (same date) or `{ target, lookback: k }` (needs upstream dates d-k .. d). */
export type DependencyConfig = string | { readonly target: string; readonly lookback?: number };

interface TargetCommon {
  /** Targets this one reads; see DependencyConfig. */
  readonly deps?: readonly DependencyConfig[];
  /**
   * At most this many consecutive calendar dates per step (default: the whole run). `'auto'`:
   * sized from past runs so start-up is about 5% of a step, leaving at least 2 × concurrency
   * steps in the range (30 without history).
   */
  readonly shard?: number | 'auto';
  /** A pool (see `pools`) whose bound this target's steps share with the pool's other targets. */
  readonly pool?: string;
  /** At most this many steps of this target at once (default: the global bound). */
  readonly concurrency?: number;
  /** Run this command target's steps on a runner of `runners` (default: this machine). */
  readonly runner?: string;
  /** Dates never expected for this target, e.g. a rolling feature's bootstrap days. */
  readonly exclude?: readonly IsoDate[] | ((date: IsoDate) => boolean);
  /** Attempts after a step's first failure (default: the top-level `retries`, else 0). */
  readonly retries?: number;
  /** Wait before the first retry, doubling after each (seconds, or `'10s'`, `'5m'`; default `'10s'`). */
  readonly retryDelay?: Duration;
  /** Kill a step running longer than this (seconds, or `'90s'`, `'30m'`, `'2h'`). */
  readonly timeout?: Duration;
  /** When a multi-date step fails for good, split it to build the dates that do build (default true). */
  readonly bisect?: boolean;
}

/** Seconds as a number, or a string such as `'90s'`, `'30m'`, `'2h'`, `'1h30m'`. */
export type Duration = number | string;

interface CommandAction {
  /**
   * The command, as an argv array (never a shell string). Placeholders `{start}`, `{end}`,
   * `{target}` and `{table}` are replaced inside each argument.
   */
  readonly run: readonly string[];
  readonly sql?: never;
}

interface SqlAction {
  /**
   * A SELECT of the rows for the dates `@start..@end` (bound parameters). bftask writes them
   * idempotently: per-date partition overwrites on BigQuery, DELETE+INSERT on SQLite.
   */
  readonly sql: string;
  readonly run?: never;
}

interface TableOutput {
  readonly table: string;
  readonly dateColumn: string;
  readonly files?: never;
  /** A date with fewer rows than this is not done: it is pending (reason `check`) and `status` calls it thin. */
  readonly minRows?: number;
  /**
   * A SELECT of the dates in `@start..@end` that fail (one column, `date` or the date column):
   * nulls in a key, sums that do not reconcile. Such dates are not done, like thin ones.
   */
  readonly check?: string;
}

interface FilesOutput {
  /**
   * One file per date: a path pattern holding `{date}`, relative to the config file, or a
   * Cloud Storage object pattern, `gs://BUCKET/PREFIX/{date}.json`.
   */
  readonly files: string;
  readonly table?: never;
  readonly dateColumn?: never;
  readonly minRows?: never;
  readonly check?: never;
}

/** A target that writes one table, one partition per date in `dateColumn`. */
export type TableTargetConfig = TargetCommon & TableOutput & (CommandAction | SqlAction);

/** A target whose command writes one file per date. */
export type FilesTargetConfig = TargetCommon & FilesOutput & CommandAction;

export type TargetConfig = TableTargetConfig | FilesTargetConfig;

export interface BackfillConfig {
  readonly warehouse: WarehouseConfig;
  /** The default range; `--from`/`--to` override it. */
  readonly range: { readonly start: IsoDate; readonly end: IsoDate };
  readonly calendar?: CalendarConfig;
  /** Global bound on steps running at once (default 4; `-j` overrides). */
  readonly concurrency?: number;
  /** Where command steps can run besides this machine: `{ cloud: cloudRunJob({...}) }`, then `runner: 'cloud'`. */
  readonly runners?: Readonly<Record<string, RunnerConfig>>;
  /** Bounds shared by groups of targets: `{ bigquery: 4 }`, then `pool: 'bigquery'` on targets. */
  readonly pools?: Readonly<Record<string, number>>;
  /**
   * `'timestamps'` (default): like Make, a present date whose inputs were built after it is
   * stale and rebuilt. `'presence'`: only missing (or forced) dates are built.
   */
  readonly freshness?: 'timestamps' | 'presence';
  /** Defaults for every target's `retries`, `retryDelay` and `timeout`. */
  readonly retries?: number;
  readonly retryDelay?: Duration;
  readonly timeout?: Duration;
  readonly targets: Readonly<Record<string, TargetConfig>>;
}
