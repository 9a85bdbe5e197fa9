/** What a table's tables.get resource (free) tells bftask: where its dates can be read from. */
import { UsageError } from '../../util/errors.js';

/** The column types bftask reads dates from; DATETIME and TIMESTAMP through DATE(col). */
export type DateType = 'DATE' | 'DATETIME' | 'TIMESTAMP';
const DATE_TYPES: readonly string[] = ['DATE', 'DATETIME', 'TIMESTAMP'];

export interface DateSource {
  /** Day-partitioned on the date column: partition metadata answers without a scan. */
  readonly partitioned: boolean;
  readonly type: DateType;
}

/** The parts of a Table resource bftask reads. */
export interface TableResource {
  readonly timePartitioning?: { readonly type?: string; readonly field?: string };
  readonly schema?: { readonly fields?: readonly { readonly name?: string; readonly type?: string; readonly mode?: string }[] };
}

/**
 * How to read the dates of `table` (shown as `name`) from `column`. A column it lacks, or one of
 * a type that holds no dates, is the config's mistake: one line naming table, column and type.
 */
export function dateSource(table: TableResource, name: string, column: string): DateSource {
  const field = table.schema?.fields?.find((f) => f.name?.toLowerCase() === column.toLowerCase());
  if (!field) throw new UsageError(`table ${name} has no column "${column}"`);
  const type = `${field.mode === 'REPEATED' ? 'REPEATED ' : ''}${field.type ?? 'an unknown type'}`;
  if (!DATE_TYPES.includes(type)) {
    throw new UsageError(`column "${column}" of ${name} is ${type}: bftask reads dates from a DATE, DATETIME or TIMESTAMP column`);
  }
  const p = table.timePartitioning;
  return { partitioned: p?.type === 'DAY' && p.field?.toLowerCase() === column.toLowerCase(), type: type as DateType };
}
