/** BigQuery table names as configs write them (`t`, `dataset.t`, `project.dataset.t`), resolved. */
import type { BigQueryWarehouseConfig } from '../../config/types.js';

export interface TableId {
  readonly projectId: string;
  readonly datasetId: string;
  readonly tableId: string;
}

/** Resolves a configured name against the warehouse's project and default dataset. */
export function resolveTable(name: string, config: Pick<BigQueryWarehouseConfig, 'projectId' | 'dataset'>): TableId {
  const parts = name.split('.');
  if (parts.length === 3) return { projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! };
  if (parts.length === 2) return { projectId: config.projectId, datasetId: parts[0]!, tableId: parts[1]! };
  if (!config.dataset) throw new Error(`Internal error: ${name} has no dataset`);
  return { projectId: config.projectId, datasetId: config.dataset, tableId: name };
}

/** `project.dataset.table`, as messages name a table. */
export const tableName = (t: TableId): string => `${t.projectId}.${t.datasetId}.${t.tableId}`;

/** `project.dataset`: the unit one PARTITIONS query covers. */
export const datasetKey = (t: TableId): string => `${t.projectId}.${t.datasetId}`;

/** A backticked path for SQL, e.g. `` `p.d.t` ``; parts were validated as names, so no escaping is needed. */
export const sqlPath = (...parts: string[]): string => `\`${parts.join('.')}\``;

/** A job label value: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export const labelValue = (text: string): string => text.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);

/** `YYYYMMDD`: the partition id (and `$` decorator) of a day partition. */
export const partitionId = (date: string): string => date.replaceAll('-', '');
