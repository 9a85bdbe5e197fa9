/**
 * The SQL bftask sends to BigQuery: values always travel as query parameters, and names were
 * validated as identifiers before they get here. Tests parse each with a BigQuery-dialect parser.
 */
import { BigQuery, type Query } from '@google-cloud/bigquery';
import type { Range } from '../../config/config.js';
import { addDays } from '../../util/dates.js';
import { sqlPath, type TableId } from './names.js';
import type { DateType } from './tables.js';

/** The partition PARTITIONS reports for rows still in the streaming buffer, whatever their dates. */
export const STREAMING_PARTITION = '__STREAMING_UNPARTITIONED__';

/**
 * Present day partitions of several tables of one dataset, from metadata: no table is scanned,
 * and it bills the 10 MB minimum of a metadata query whatever the tables' size. It also returns
 * each table's streaming buffer, if any: rows streamed in but not yet in their dates' partitions.
 * Parameters: @tables ARRAY<STRING>, @from and @to STRING `YYYYMMDD`.
 */
export function partitionsQuery(projectId: string, datasetId: string): string {
  return [
    'SELECT table_name, partition_id, total_rows, last_modified_time',
    `FROM ${sqlPath(projectId, datasetId, 'INFORMATION_SCHEMA', 'PARTITIONS')}`,
    'WHERE table_name IN UNNEST(@tables)',
    '  AND (partition_id BETWEEN @from AND @to AND total_rows > 0',
    `    OR partition_id = '${STREAMING_PARTITION}')`,
  ].join('\n');
}

/**
 * Distinct dates in [start, end] of a table not day-partitioned on the column, as DATE `d`
 * (with `countRows`, each with its row count `n`). A
 * DATE column is compared with DATE parameters; a DATETIME or TIMESTAMP column with parameters of
 * its own type (BigQuery compares no DATE parameter with them), as `col >= start AND col <
 * end + 1 day`, which a table partitioned on that column can prune.
 */
export function distinctDatesQuery(
  table: TableId,
  column: string,
  type: DateType,
  range: Range,
  countRows = false,
): { sql: string; params: Query['params'] } {
  const col = `\`${column}\``;
  const from = sqlPath(table.projectId, table.datasetId, table.tableId);
  // With counts (for minRows): the same scan grouped, so it bills the same bytes.
  const select = (d: string) => (countRows ? [`SELECT ${d} AS d, COUNT(*) AS n`] : [`SELECT DISTINCT ${d} AS d`]);
  const group = countRows ? ['GROUP BY 1'] : [];
  if (type === 'DATE') {
    return {
      sql: [...select(col), `FROM ${from}`, `WHERE ${col} BETWEEN @start AND @end`, ...group].join('\n'),
      params: { start: BigQuery.date(range.start), end: BigQuery.date(range.end) },
    };
  }
  const after = addDays(range.end, 1);
  return {
    sql: [...select(`DATE(${col})`), `FROM ${from}`, `WHERE ${col} >= @start AND ${col} < @end`, ...group].join('\n'),
    params:
      type === 'DATETIME'
        ? { start: BigQuery.datetime(`${range.start} 00:00:00`), end: BigQuery.datetime(`${after} 00:00:00`) }
        : { start: BigQuery.timestamp(`${range.start}T00:00:00Z`), end: BigQuery.timestamp(`${after}T00:00:00Z`) },
  };
}
