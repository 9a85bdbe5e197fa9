/**
 * The SQL bftask sends to BigQuery: values always travel as query parameters, and names were
 * validated as identifiers before they get here. Tests parse each with a BigQuery-dialect parser.
 */
import { sqlPath, type TableId } from './names.js';

/**
 * Present day partitions of several tables of one dataset, from metadata: no table is scanned,
 * and it bills the 10 MB minimum of a metadata query whatever the tables' size.
 * Parameters: @tables ARRAY<STRING>, @from and @to STRING `YYYYMMDD`.
 */
export function partitionsQuery(projectId: string, datasetId: string): string {
  return [
    'SELECT table_name, partition_id, last_modified_time',
    `FROM ${sqlPath(projectId, datasetId, 'INFORMATION_SCHEMA', 'PARTITIONS')}`,
    'WHERE table_name IN UNNEST(@tables)',
    '  AND partition_id BETWEEN @from AND @to',
    '  AND total_rows > 0',
  ].join('\n');
}

/** Distinct dates of a table that is not day-partitioned on the column. Parameters: @start, @end DATE. */
export function distinctDatesQuery(table: TableId, column: string): string {
  const col = `\`${column}\``;
  return [
    `SELECT DISTINCT ${col} AS d`,
    `FROM ${sqlPath(table.projectId, table.datasetId, table.tableId)}`,
    `WHERE ${col} BETWEEN @start AND @end`,
  ].join('\n');
}
