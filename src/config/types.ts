/** The shape a user writes in backfill.config.ts (see `defineConfig`). */

/** A calendar date, always `YYYY-MM-DD`. */
export type IsoDate = string;

/** Where coverage and steps' output live: the embedded SQLite file or BigQuery. */
export type WarehouseConfig = SqliteWarehouseConfig;

export interface SqliteWarehouseConfig {
  readonly kind: 'sqlite';
  /** Path of the database file, relative to the config file's folder. */
  readonly path: string;
}

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
   * The command, as an argv array (never a shell string). Placeholders `{start}`, `{end}`,
   * `{target}` and `{table}` are replaced inside each argument.
   */
  readonly run: readonly string[];
  /** At most this many consecutive calendar dates per step (default: the whole run). */
  readonly shard?: number;
  /** At most this many steps of this target at once (default: the global bound). */
  readonly concurrency?: number;
  /** Dates never expected for this target, e.g. a rolling feature's bootstrap days. */
  readonly exclude?: readonly IsoDate[] | ((date: IsoDate) => boolean);
}

/** A target that writes one table, one partition per date in `dateColumn`. */
export interface TableTargetConfig extends TargetCommon {
  readonly table: string;
  readonly dateColumn: string;
  readonly files?: never;
}

/** A target that writes one file per date; `files` holds `{date}`, relative to the config file. */
export interface FilesTargetConfig extends TargetCommon {
  readonly files: string;
  readonly table?: never;
  readonly dateColumn?: never;
}

export type TargetConfig = TableTargetConfig | FilesTargetConfig;

export interface BackfillConfig {
  readonly warehouse: WarehouseConfig;
  /** The default range; `--from`/`--to` override it. */
  readonly range: { readonly start: IsoDate; readonly end: IsoDate };
  readonly calendar?: CalendarConfig;
  /** Global bound on steps running at once (default 4; `-j` overrides). */
  readonly concurrency?: number;
  readonly targets: Readonly<Record<string, TargetConfig>>;
}
