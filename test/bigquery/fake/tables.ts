// The table endpoints' REST shapes: the Table resource of tables.get, and tabledata.insertAll.

import type { Store, TableMeta } from './store.js';

/** The Table resource (tables.get). */
export function tableResource(store: Store, meta: TableMeta) {
  const { projectId, location } = store;
  return {
    kind: 'bigquery#table',
    etag: `"${meta.lastModifiedTime}"`,
    id: `${projectId}:${meta.dataset}.${meta.table}`,
    selfLink: `/bigquery/v2/projects/${projectId}/datasets/${meta.dataset}/tables/${meta.table}`,
    tableReference: { projectId, datasetId: meta.dataset, tableId: meta.table },
    schema: { fields: meta.schema },
    ...(meta.partitioning ? { timePartitioning: { type: meta.partitioning.type, field: meta.partitioning.field } } : {}),
    // Present only while rows sit in the streaming buffer.
    ...(meta.streaming.size > 0
      ? { streamingBuffer: { estimatedRows: String(meta.streaming.size), estimatedBytes: '0', oldestEntryTime: String(meta.oldestStreamed) } }
      : {}),
    numBytes: String(store.numBytes(meta)),
    numLongTermBytes: '0',
    numRows: String(store.numRows(meta)),
    creationTime: String(meta.creationTime),
    lastModifiedTime: String(meta.lastModifiedTime),
    type: 'TABLE',
    location,
  };
}

/**
 * tabledata.insertAll: the rows go to the streaming buffer, all or nothing, with a per-row error
 * as BigQuery reports one for a field the table lacks (the fake has no skipInvalidRows).
 */
export function insertAll(store: Store, meta: TableMeta, body: unknown) {
  const rows = ((body as { rows?: { json?: Record<string, unknown> }[] } | undefined)?.rows ?? []).map((r) => r.json ?? {});
  const insertErrors = rows.flatMap((row, index) => {
    const unknown = Object.keys(row).filter((k) => !meta.schema.some((f) => f.name === k));
    return unknown.length > 0 ? [{ index, errors: [{ reason: 'invalid', location: unknown[0], message: 'no such field.' }] }] : [];
  });
  if (insertErrors.length > 0) return { kind: 'bigquery#tableDataInsertAllResponse', insertErrors };
  store.insertStreaming(meta, rows);
  return { kind: 'bigquery#tableDataInsertAllResponse' };
}
