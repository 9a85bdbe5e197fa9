/** What bftask needs from a warehouse; one implementation per kind (SQLite, BigQuery). */
import type { Range } from '../config/config.js';
import type { IsoDate } from '../config/types.js';

export interface TableRef {
  readonly table: string;
  readonly dateColumn: string;
  /** Coverage must count each date's rows (the target has `minRows`); where it is free, it always does. */
  readonly countRows?: boolean;
}

/** What a warehouse knows of a present date. */
export interface DateFacts {
  /** When its partition was last modified (ms since the epoch), where known. */
  readonly modified?: number | undefined;
  /** How many rows it has, where known. */
  readonly rows?: number | undefined;
}

/** Present dates and what is known of each. */
export type PresentDates = ReadonlyMap<IsoDate, DateFacts>;

/** A target's data check, to run over a range. */
export interface CheckQuery {
  readonly target: string;
  readonly ref: TableRef;
  /** One SELECT with @start and @end, returning the failing dates. */
  readonly sql: string;
  readonly range: Range;
}

/** What one SQL target's pending dates would bill, from dry runs. */
export interface SqlEstimate {
  readonly target: string;
  /** Bytes billed, summed over the target's jobs (one per date, at least 10 MB each). */
  readonly bytesBilled: number;
  readonly jobs: number;
  /** Dates whose job would bill more than maximumBytesBilled, with those bytes. */
  readonly overCap: readonly { readonly date: IsoDate; readonly bytes: number }[];
  /** Why it could not be estimated (a dry run failed), if so. */
  readonly error?: string;
}

export interface SqlWrite {
  readonly ref: TableRef;
  readonly sql: string;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** The step's dates: only these are replaced. */
  readonly dates: readonly IsoDate[];
  readonly target: string;
  readonly logFile: string;
  readonly signal: AbortSignal;
  /** Called with the pid of a writer process bftask starts for it, if any (SQLite). */
  readonly onSpawn?: ((pid: number) => void) | undefined;
}

/** Undefined when written; otherwise why not, in one line. */
export type SqlOutcome = undefined | { readonly message: string; readonly interrupted?: boolean };

export interface Warehouse {
  /** How reports name it, e.g. `data/warehouse.db`. */
  readonly description: string;
  /** Something the user should know before anything runs, e.g. that the warehouse file will be created. */
  readonly notice?: string | undefined;
  /**
   * Dates present in each table within the range, keyed by table name, read in one batch
   * (SQLite: a query per table; BigQuery: a metadata query per dataset).
   */
  presentDates(tables: readonly TableRef[], range: Range): Promise<Map<string, PresentDates>>;
  /** Runs a data check: the dates it returns, sorted, are the ones that fail. Throws when it cannot run. */
  failingDates(check: CheckQuery): Promise<IsoDate[]>;
  /** Distinct dates of a calendar table within the range, sorted. */
  calendarDates(ref: TableRef, range: Range): Promise<IsoDate[]>;
  /** Called before the first step runs: creates what steps write into (a new SQLite file). */
  prepareToWrite?(): void;
  /** Runs one step of a SQL target: writes its SELECT's rows for exactly the step's dates. */
  writeSql(request: SqlWrite): Promise<SqlOutcome>;
  /** Variables that tell a step where to write (BFTASK_WAREHOUSE). */
  stepEnv(): Record<string, string>;
  /** What reading coverage cost, for --dry-run (BigQuery: bytes per query). */
  costReport?(): string[];
  /**
   * What SQL targets' steps would bill, estimated as they would run (BigQuery: a free dry-run job
   * per date); absent where writing costs nothing.
   */
  estimateSql?(targets: readonly { readonly target: string; readonly sql: string; readonly dates: readonly IsoDate[] }[]): Promise<SqlEstimate[]>;
  /** The per-query cap in bytes, where there is one (BigQuery's maximumBytesBilled). */
  readonly bytesCap?: number;
  close(): void;
}
