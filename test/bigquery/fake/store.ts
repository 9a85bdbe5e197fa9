// The fake's storage: one in-memory SQLite connection, one ATTACHed database
// per BigQuery dataset (so `dataset.table` resolves as-is), plus the table
// metadata BigQuery keeps beside the data: schema, partitioning, and per
// partition row counts and last-modified times.

import Database from 'better-sqlite3';
import { partitionsViewTable } from './sql.js';
import {
  BqError,
  type Field,
  type FieldInput,
  fromStored,
  parseTimestampMicros,
  partitionIdOf,
  sqliteType,
  storedSize,
  toField,
  toStoredField,
} from './wire.js';

export interface PartitionMeta {
  partitionId: string;
  totalRows: number;
  totalLogicalBytes: number;
  lastModifiedTime: number;
}

export interface TableMeta {
  dataset: string;
  table: string;
  schema: Field[];
  partitioning?: { field: string; type: 'DAY' | 'MONTH' };
  creationTime: number;
  lastModifiedTime: number;
  /** Keyed by partition id; '__UNPARTITIONED__' holds an unpartitioned table's single entry. */
  partitions: Map<string, PartitionMeta>;
  /** Rowids of rows still in the streaming buffer (tabledata.insertAll), and when the oldest came. */
  streaming: Set<number>;
  oldestStreamed?: number;
}

const UNPARTITIONED = '__UNPARTITIONED__';
/** Where PARTITIONS counts rows still in the streaming buffer, whatever their date. */
export const STREAMING = '__STREAMING_UNPARTITIONED__';

/** Columns of the PARTITIONS view, in BigQuery's order. */
export const PARTITIONS_SCHEMA: Field[] = [
  ['table_catalog', 'STRING'],
  ['table_schema', 'STRING'],
  ['table_name', 'STRING'],
  ['partition_id', 'STRING'],
  ['total_rows', 'INTEGER'],
  ['total_logical_bytes', 'INTEGER'],
  ['total_billable_bytes', 'INTEGER'],
  ['last_modified_time', 'TIMESTAMP'],
  ['storage_tier', 'STRING'],
].map(([name, type]) => ({ name: name!, type: type!, mode: 'NULLABLE' as const }));

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Splits 'project.dataset.table' or 'dataset.table'. */
export function parseTableRef(ref: string, projectId: string): { dataset: string; table: string } {
  const parts = ref.replaceAll('`', '').split('.');
  if (parts.length === 3 && parts[0] === projectId) parts.shift();
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(`Internal error: expected "${projectId}.dataset.table" or "dataset.table", got "${ref}"`);
  }
  return { dataset: parts[0], table: parts[1] };
}

/** The SQLite-backed catalog and data of one fake BigQuery project. */
export class Store {
  readonly db = new Database(':memory:');
  private readonly datasets = new Map<string, Map<string, TableMeta>>();
  /** Partitions written since the last flush, per "dataset.table"; filled by triggers. */
  private readonly touched = new Map<string, Set<string>>();

  constructor(
    readonly projectId: string,
    readonly location: string,
  ) {
    this.db.function('__bq_touch', { deterministic: false, varargs: true }, (dataset, table, value) => {
      const meta = this.table(String(dataset), String(table));
      if (!meta) return null;
      const key = `${meta.dataset}.${meta.table}`;
      const set = this.touched.get(key) ?? new Set<string>();
      set.add(this.partitionOf(meta, value));
      this.touched.set(key, set);
      return null;
    });
    this.db.function('__bq_partition_of', { deterministic: true }, (dataset, table, value) => {
      const meta = this.table(String(dataset), String(table));
      return meta ? this.partitionOf(meta, value) : null;
    });
    this.db.function('__bq_now', { deterministic: false }, () => Date.now() * 1000);
    this.db.function('__bq_timestamp', (text) => parseTimestampMicros(String(text)) ?? null);
    registerFunctions(this.db);
  }

  table(dataset: string, table: string): TableMeta | undefined {
    return this.datasets.get(dataset)?.get(table);
  }

  hasDataset(dataset: string): boolean {
    return this.datasets.has(dataset);
  }

  /** Looks a table up, throwing BigQuery's 404s for a missing dataset or table. */
  requireTable(dataset: string, table: string): TableMeta {
    if (!this.datasets.has(dataset)) {
      throw new BqError(404, 'notFound', `Not found: Dataset ${this.projectId}:${dataset}`);
    }
    const meta = this.table(dataset, table);
    if (!meta) {
      throw new BqError(404, 'notFound', `Not found: Table ${this.projectId}:${dataset}.${table} was not found in location ${this.location}`);
    }
    return meta;
  }

  ensureDataset(dataset: string): void {
    if (this.datasets.has(dataset)) return;
    if (!/^[A-Za-z0-9_]+$/.test(dataset)) throw new Error(`Internal error: invalid dataset id "${dataset}"`);
    this.db.exec(`ATTACH DATABASE ':memory:' AS ${quote(dataset)}`);
    this.datasets.set(dataset, new Map());
  }

  createTable(dataset: string, table: string, schema: FieldInput[], partitioning?: TableMeta['partitioning']): TableMeta {
    this.ensureDataset(dataset);
    if (this.table(dataset, table)) {
      throw new BqError(409, 'duplicate', `Already Exists: Table ${this.projectId}:${dataset}.${table}`);
    }
    const fields = schema.map(toField);
    if (partitioning) {
      const column = fields.find((f) => f.name === partitioning.field);
      if (!column || !['DATE', 'TIMESTAMP', 'DATETIME'].includes(column.type)) {
        throw new BqError(400, 'invalid', `The field specified for partitioning cannot be found in the schema or is not a DATE/TIMESTAMP column: ${partitioning.field}`);
      }
    }
    const columns = fields.map((f) => `${quote(f.name)} ${sqliteType(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`);
    const target = `${quote(dataset)}.${quote(table)}`;
    this.db.exec(`CREATE TABLE ${target} (${columns.join(', ')})`);
    // TEMP triggers may watch tables in any attached database; they report
    // each written row's partition value so metadata follows every write path.
    const value = (row: 'NEW' | 'OLD') => (partitioning ? `${row}.${quote(partitioning.field)}` : 'NULL');
    const args = `${sqliteLiteral(dataset)}, ${sqliteLiteral(table)}`;
    const trigger = (event: string, body: string) =>
      this.db.exec(`CREATE TEMP TRIGGER ${quote(`__bq_${dataset}_${table}_${event}`)} AFTER ${event} ON ${target} BEGIN ${body} END`);
    trigger('INSERT', `SELECT __bq_touch(${args}, ${value('NEW')});`);
    trigger('DELETE', `SELECT __bq_touch(${args}, ${value('OLD')});`);
    trigger('UPDATE', `SELECT __bq_touch(${args}, ${value('OLD')}); SELECT __bq_touch(${args}, ${value('NEW')});`);
    const now = Date.now();
    const meta: TableMeta = { dataset, table, schema: fields, creationTime: now, lastModifiedTime: now, partitions: new Map(), streaming: new Set() };
    if (partitioning) meta.partitioning = partitioning;
    this.datasets.get(dataset)!.set(table, meta);
    return meta;
  }

  /** Inserts JS rows (columns by name) in one transaction, converting values per the schema. */
  insertRows(meta: TableMeta, rows: Record<string, unknown>[]): void {
    checkFields(meta, rows);
    const stored = rows.map((row) => meta.schema.map((f) => toStoredField(f, row[f.name])));
    this.insertStored(meta, stored);
    this.flushTouched();
  }

  /** Inserts rows already in SQLite form, ordered like the table schema, and returns their rowids. Caller flushes. */
  insertStored(meta: TableMeta, rows: unknown[][]): number[] {
    if (rows.length === 0) return [];
    const placeholders = meta.schema.map(() => '?').join(', ');
    const stmt = this.db.prepare(`INSERT INTO ${quote(meta.dataset)}.${quote(meta.table)} VALUES (${placeholders})`);
    return this.db.transaction(() => rows.map((row) => Number(stmt.run(row).lastInsertRowid)))();
  }

  /**
   * tabledata.insertAll: the rows are queryable at once but sit in the streaming buffer, which
   * PARTITIONS reports as partition __STREAMING_UNPARTITIONED__, not as their dates' partitions.
   */
  insertStreaming(meta: TableMeta, rows: Record<string, unknown>[], now = Date.now()): void {
    checkFields(meta, rows);
    const stored = rows.map((row) => meta.schema.map((f) => toStoredField(f, row[f.name])));
    for (const id of this.insertStored(meta, stored)) meta.streaming.add(id);
    meta.oldestStreamed ??= now;
    this.discardTouched();
    this.touched.set(`${meta.dataset}.${meta.table}`, new Set([STREAMING]));
    this.flushTouched(now);
  }

  /** Moves the streaming buffer's rows into their partitions, as BigQuery does within minutes. */
  flushStreamingBuffer(meta: TableMeta): void {
    const ids = [...meta.streaming];
    meta.streaming.clear();
    delete meta.oldestStreamed;
    const at = meta.partitioning ? meta.schema.findIndex((f) => f.name === meta.partitioning!.field) : -1;
    const get = this.db.prepare(`SELECT * FROM ${quote(meta.dataset)}.${quote(meta.table)} WHERE rowid = ?`).raw();
    const touched = new Set([STREAMING]);
    for (const id of ids) {
      const values = get.get(id) as unknown[] | undefined;
      if (values) touched.add(this.partitionOf(meta, at >= 0 ? values[at] : null));
    }
    this.touched.set(`${meta.dataset}.${meta.table}`, touched);
    this.flushTouched();
  }

  /** Reads a table back as JS values (DATE as 'YYYY-MM-DD', TIMESTAMP as an ISO string). */
  rows(meta: TableMeta): Record<string, unknown>[] {
    const raw = this.db.prepare(`SELECT * FROM ${quote(meta.dataset)}.${quote(meta.table)} ORDER BY rowid`).raw().all() as unknown[][];
    return raw.map((values) => Object.fromEntries(meta.schema.map((f, i) => [f.name, fromStored(f, values[i])])));
  }

  partitionOf(meta: TableMeta, value: unknown): string {
    if (!meta.partitioning) return UNPARTITIONED;
    const column = meta.schema.find((f) => f.name === meta.partitioning!.field)!;
    return partitionIdOf(value, column.type, meta.partitioning.type);
  }

  /** Forgets writes of a rolled-back transaction. */
  discardTouched(): void {
    this.touched.clear();
  }

  /**
   * Recomputes row counts of every table written since the last flush and
   * stamps the written partitions with the current time, as BigQuery does for
   * INFORMATION_SCHEMA.PARTITIONS.last_modified_time.
   */
  flushTouched(now = Date.now()): void {
    for (const [key, partitionIds] of this.touched) {
      const [dataset, table] = key.split('.') as [string, string];
      const meta = this.table(dataset, table);
      if (!meta) continue;
      const counts = this.countPartitions(meta);
      for (const id of new Set([...partitionIds, ...counts.keys(), ...meta.partitions.keys()])) {
        const previous = meta.partitions.get(id);
        const current = counts.get(id) ?? { rows: 0, bytes: 0 };
        if (!previous && current.rows === 0 && !partitionIds.has(id)) continue;
        meta.partitions.set(id, {
          partitionId: id,
          totalRows: current.rows,
          totalLogicalBytes: current.bytes,
          lastModifiedTime: partitionIds.has(id) ? now : (previous?.lastModifiedTime ?? now),
        });
      }
      // An empty streaming buffer is no partition at all.
      if (!counts.has(STREAMING)) meta.partitions.delete(STREAMING);
      meta.lastModifiedTime = now;
    }
    this.touched.clear();
  }

  private countPartitions(meta: TableMeta): Map<string, { rows: number; bytes: number }> {
    const counts = new Map<string, { rows: number; bytes: number }>();
    const raw = this.db.prepare(`SELECT rowid, * FROM ${quote(meta.dataset)}.${quote(meta.table)}`).raw().all() as unknown[][];
    const index = meta.partitioning ? meta.schema.findIndex((f) => f.name === meta.partitioning!.field) : -1;
    for (const [rowid, ...values] of raw) {
      const id = meta.streaming.has(Number(rowid)) ? STREAMING : this.partitionOf(meta, index >= 0 ? values[index] : null);
      const entry = counts.get(id) ?? { rows: 0, bytes: 0 };
      entry.rows += 1;
      entry.bytes += values.reduce<number>((sum, v) => sum + storedSize(v), 0);
      counts.set(id, entry);
    }
    return counts;
  }

  numRows(meta: TableMeta): number {
    return [...meta.partitions.values()].reduce((sum, p) => sum + p.totalRows, 0);
  }

  numBytes(meta: TableMeta): number {
    return [...meta.partitions.values()].reduce((sum, p) => sum + p.totalLogicalBytes, 0);
  }

  /** Refreshes the temp table behind `dataset.INFORMATION_SCHEMA.PARTITIONS` from the metadata. */
  materializePartitionsView(dataset: string): void {
    if (!this.datasets.has(dataset)) {
      throw new BqError(404, 'notFound', `Not found: Dataset ${this.projectId}:${dataset} was not found in location ${this.location}`);
    }
    const name = `temp.${quote(partitionsViewTable(dataset))}`;
    const columns = PARTITIONS_SCHEMA.map((f) => `${quote(f.name)} ${sqliteType(f)}`).join(', ');
    this.db.exec(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (${columns})`);
    const insert = this.db.prepare(`INSERT INTO ${name} VALUES (${PARTITIONS_SCHEMA.map(() => '?').join(', ')})`);
    for (const meta of this.datasets.get(dataset)!.values()) {
      const entries = [...meta.partitions.values()].sort((a, b) => (a.partitionId < b.partitionId ? -1 : a.partitionId > b.partitionId ? 1 : 0));
      if (entries.length === 0 && !meta.partitioning) {
        entries.push({ partitionId: UNPARTITIONED, totalRows: 0, totalLogicalBytes: 0, lastModifiedTime: meta.creationTime });
      }
      for (const p of entries) {
        // BigQuery reports NULL, not '__UNPARTITIONED__', for a table that is not partitioned.
        const id = meta.partitioning ? p.partitionId : null;
        insert.run([this.projectId, dataset, meta.table, id, p.totalRows, p.totalLogicalBytes, p.totalLogicalBytes, p.lastModifiedTime * 1000, 'ACTIVE']);
      }
    }
  }

  /** Field metadata for a result column that reads a table column directly. */
  columnField(database: string | null, table: string | null, column: string | null): Field | undefined {
    if (!database || !table || !column) return undefined;
    if (database === 'temp' && table.startsWith('__partitions__')) return PARTITIONS_SCHEMA.find((f) => f.name === column);
    return this.table(database, table)?.schema.find((f) => f.name === column);
  }

  close(): void {
    this.db.close();
  }
}

function checkFields(meta: TableMeta, rows: Record<string, unknown>[]): void {
  for (const row of rows) {
    const unknown = Object.keys(row).filter((k) => !meta.schema.some((f) => f.name === k));
    if (unknown.length > 0) throw new BqError(400, 'invalid', `no such field: ${unknown.join(', ')}.`);
  }
}

function sqliteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const STRFTIME: Record<string, string> = { '%Y': 'Y', '%m': 'm', '%d': 'd', '%F': 'F' };

/** A few BigQuery functions bftask-style SQL uses that SQLite lacks or spells differently. */
function registerFunctions(db: Database.Database): void {
  // BigQuery DATE(x): date part of a DATE string, of a TIMESTAMP (stored as micros), or DATE(y, m, d).
  db.function('date', { varargs: true, deterministic: true }, (...args: unknown[]) => {
    const [a, b, c] = args;
    if (args.length === 3) return `${String(a).padStart(4, '0')}-${String(b).padStart(2, '0')}-${String(c).padStart(2, '0')}`;
    if (a === null || a === undefined) return null;
    if (typeof a === 'number' || typeof a === 'bigint') return new Date(Math.floor(Number(a) / 1000)).toISOString().slice(0, 10);
    const micros = parseTimestampMicros(String(a));
    return micros === undefined ? null : new Date(Math.floor(micros / 1000)).toISOString().slice(0, 10);
  });
  db.function('parse_date', { deterministic: true }, (format, text) => {
    if (text === null) return null;
    const pattern = String(format).replace(/%[YmdF]/g, (spec) =>
      ({ '%Y': '(?<Y>\\d{4})', '%m': '(?<m>\\d{1,2})', '%d': '(?<d>\\d{1,2})', '%F': '(?<Y>\\d{4})-(?<m>\\d{1,2})-(?<d>\\d{1,2})' })[spec] ?? spec,
    );
    const m = new RegExp(`^${pattern}$`).exec(String(text));
    if (!m?.groups) throw new Error(`Failed to parse input string "${String(text)}"`);
    const { Y = '', m: month = '', d = '' } = m.groups;
    return `${Y}-${month.padStart(2, '0')}-${d.padStart(2, '0')}`;
  });
  db.function('format_date', { deterministic: true }, (format, date) => {
    if (date === null) return null;
    const [Y = '', m = '', d = ''] = String(date).split('-');
    const parts: Record<string, string> = { Y, m, d, F: `${Y}-${m}-${d}` };
    return String(format).replace(/%[YmdF]/g, (spec) => parts[STRFTIME[spec] ?? ''] ?? spec);
  });
  db.function('unix_millis', { deterministic: true }, (micros) => (micros === null ? null : Math.floor(Number(micros) / 1000)));
  db.function('unix_micros', { deterministic: true }, (micros) => micros);
  db.aggregate('countif', { start: 0, step: (count: number, value: unknown) => count + (value ? 1 : 0) });
}
