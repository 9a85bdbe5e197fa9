/** What bftask needs from a warehouse; one implementation per kind (SQLite, BigQuery). */
import type { Range } from '../config/config.js';
import type { IsoDate } from '../config/types.js';

export interface TableRef {
  readonly table: string;
  readonly dateColumn: string;
}

export interface Warehouse {
  /** How reports name it, e.g. `data/warehouse.db`. */
  readonly description: string;
  /** Dates present in each table within the range, keyed by table name: one query per table. */
  presentDates(tables: readonly TableRef[], range: Range): Promise<Map<string, Set<IsoDate>>>;
  /** Distinct dates of a calendar table within the range, sorted. */
  calendarDates(ref: TableRef, range: Range): Promise<IsoDate[]>;
  /** Variables that tell a step where to write (BFTASK_WAREHOUSE). */
  stepEnv(): Record<string, string>;
  close(): void;
}
