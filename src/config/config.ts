/** The validated, normalised config every other module works from. */
import type { IsoDate, RunnerConfig, WarehouseConfig } from './types.js';

export interface Dependency {
  readonly target: string;
  /** Calendar days before the date that are needed too; 0 for a same-date dependency. */
  readonly lookback: number;
}

/** What a target writes, and so where its coverage is read from. */
export type Output =
  | { readonly kind: 'table'; readonly table: string; readonly dateColumn: string }
  | { readonly kind: 'files'; readonly pattern: string }
  /** Cloud Storage objects, `gs://bucket/name-with-{date}`: listed by their name's fixed prefix. */
  | { readonly kind: 'objects'; readonly pattern: string; readonly bucket: string; readonly name: string; readonly prefix: string };

/** How a target fills its dates: a command, or a SELECT bftask writes itself. */
export type Action =
  | { readonly kind: 'command'; readonly run: readonly string[] }
  | { readonly kind: 'sql'; readonly sql: string };

export interface Target {
  readonly name: string;
  readonly output: Output;
  /** The table name, or the files pattern: what `{table}` expands to and what reports show. */
  readonly label: string;
  /** Sorted by target name, so plans and messages are stable. */
  readonly deps: readonly Dependency[];
  readonly action: Action;
  /** Dates per step at most; `'auto'`: chosen per plan from the ledger's history (plan/estimate.ts). */
  readonly shard: number | 'auto';
  /** The pool whose bound this target's steps count against, if any. */
  readonly pool: string | undefined;
  /** The runner its steps run on (a name in `runners`); undefined: this machine. */
  readonly runner: string | undefined;
  readonly concurrency: number | undefined;
  readonly isExcluded: (date: IsoDate) => boolean;
  /** Attempts after the first failure of a step's dates. */
  readonly retries: number;
  /** Wait before the first retry; it doubles for each later one, up to 10 minutes. */
  readonly retryDelayMs: number;
  /** Past this, a step's process group is killed and the attempt fails as timed out. */
  readonly timeoutMs: number | undefined;
  /** Split a multi-date step that failed its last attempt, to find the dates that fail. */
  readonly bisect: boolean;
  /** Data checks of a table target: a present date failing one is not done. */
  readonly checks: DataChecks;
}

/** What a present date of a table must also satisfy to be done. */
export interface DataChecks {
  /** At least this many rows. */
  readonly minRows?: number | undefined;
  /** One SELECT of the failing dates in `@start..@end`. */
  readonly sql?: string | undefined;
}

/** A validated runner: its config, its bound and its timeout in milliseconds. */
export type Runner = RunnerConfig & { readonly name: string; readonly slots: number; readonly timeoutMs: number | undefined };

export type Calendar =
  | { readonly kind: 'daily' }
  | { readonly kind: 'dates'; readonly dates: readonly IsoDate[] }
  | { readonly kind: 'table'; readonly table: string; readonly dateColumn: string };

export interface Range {
  readonly start: IsoDate;
  readonly end: IsoDate;
}

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Its folder: relative paths and steps' working directory start here. */
  readonly dir: string;
  readonly warehouse: WarehouseConfig;
  readonly range: Range;
  readonly calendar: Calendar;
  readonly concurrency: number;
  /** Runners by name, with their timeout in milliseconds. */
  readonly runners: ReadonlyMap<string, Runner>;
  /** Bounds shared by groups of targets (a slot reservation, an API's rate limit). */
  readonly pools: ReadonlyMap<string, number>;
  /** `timestamps`: a date built before an input it reads is stale; `presence`: only missing counts. */
  readonly freshness: 'timestamps' | 'presence';
  readonly targets: ReadonlyMap<string, Target>;
  /** Every target name, dependencies before dependents, ties broken by name. */
  readonly order: readonly string[];
}

/** Placeholders a `run` argument may contain. */
export const PLACEHOLDERS = ['start', 'end', 'target', 'table'] as const;

/** Words the CLI takes as commands, so no target may be called by them. */
export const COMMANDS = ['status', 'runs', 'why', 'logs', 'report', 'graph'] as const;
