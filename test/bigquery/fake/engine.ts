// Runs one BigQuery query (SELECT, DML, or a SELECT written to a destination
// table or partition) against the SQLite store, with BigQuery's cost guard and
// BigQuery-shaped errors.

import type Database from 'better-sqlite3';
import { type RewrittenSql, rewriteSql, SqlRewriteError } from './sql.js';
import { PARTITIONS_SCHEMA, type Store, type TableMeta } from './store.js';
import { BqError, type Field, toField, toStored } from './wire.js';

export interface QueryParameter {
  name?: string;
  parameterType?: { type?: string; arrayType?: { type?: string } };
  parameterValue?: { value?: unknown; arrayValues?: { value?: unknown }[] };
}

export interface TableReference {
  projectId?: string;
  datasetId?: string;
  tableId?: string;
}

/** The parts of a jobs.query request or a Job's configuration.query that the fake honours. */
export interface QuerySpec {
  query: string;
  queryParameters?: QueryParameter[];
  parameterMode?: string;
  maximumBytesBilled?: string | number;
  dryRun?: boolean;
  destinationTable?: TableReference;
  writeDisposition?: string;
  createDisposition?: string;
  timePartitioning?: { type?: string; field?: string };
  labels?: Record<string, string>;
  /** Where the job runs; datasets live in the fake's one location. */
  location?: string;
}

export interface QueryOutcome {
  statementType: string;
  /** Present for SELECTs (also dry runs). */
  schema?: Field[];
  /** Stored SQLite values ordered like `schema`. */
  rows: unknown[][];
  totalBytesProcessed: number;
  totalBytesBilled: number;
  numDmlAffectedRows?: number;
  dmlStats?: { insertedRowCount?: string; deletedRowCount?: string; updatedRowCount?: string };
}

const MIB = 1024 * 1024;
/** BigQuery bills at least 10 MB per query that reads anything. */
export const MIN_BILLED_BYTES = 10 * MIB;

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** Executes queries for the fake; `bytesPerQuery` is read on every run so tests can change it. */
export class Engine {
  constructor(
    private readonly store: Store,
    private readonly knobs: { bytesPerQuery?: (sql: string, params: Record<string, unknown>) => number },
  ) {}

  run(spec: QuerySpec): QueryOutcome {
    checkLabels(spec.labels);
    if (typeof spec.query !== 'string' || spec.query.trim() === '') {
      throw new BqError(400, 'invalid', 'Query text must be specified.');
    }
    let rewritten: RewrittenSql;
    try {
      rewritten = rewriteSql(spec.query, this.store.projectId);
    } catch (e) {
      if (e instanceof SqlRewriteError) throw new BqError(400, 'invalidQuery', e.message);
      throw e;
    }
    const firstDataset = rewritten.tables[0]?.dataset ?? rewritten.partitionViews[0];
    if (firstDataset && spec.location && spec.location.toUpperCase() !== this.store.location.toUpperCase()) {
      throw new BqError(404, 'notFound', `Not found: Dataset ${this.store.projectId}:${firstDataset} was not found in location ${spec.location}`);
    }
    for (const { dataset, table } of rewritten.tables) this.store.requireTable(dataset, table);
    for (const dataset of rewritten.partitionViews) this.store.materializePartitionsView(dataset);
    this.checkComparisons(rewritten, spec);

    const stmt = this.prepare(rewritten.sql);
    const estimate = this.estimateBytes(spec, rewritten);
    const billed = estimate > 0 ? Math.max(MIN_BILLED_BYTES, Math.ceil(estimate / MIB) * MIB) : 0;
    const base = { statementType: rewritten.statementType, totalBytesProcessed: estimate };
    const binds = bindParameters(spec);

    if (spec.dryRun) {
      const schema = stmt.reader ? this.resultSchema(stmt, []) : undefined;
      return { ...base, rows: [], totalBytesBilled: 0, ...(schema ? { schema } : {}) };
    }
    const cap = spec.maximumBytesBilled === undefined ? undefined : Number(spec.maximumBytesBilled);
    if (cap !== undefined && billed > cap) {
      throw new BqError(400, 'bytesBilledLimitExceeded', `Query exceeded limit for bytes billed: ${cap}. ${billed} or higher required.`);
    }
    const outcome = { ...base, totalBytesBilled: billed };

    if (!stmt.reader) {
      const changes = this.write(() => (binds ? stmt.run(binds) : stmt.run()).changes);
      const key = { INSERT: 'insertedRowCount', DELETE: 'deletedRowCount' }[rewritten.statementType as string] ?? 'updatedRowCount';
      return { ...outcome, rows: [], numDmlAffectedRows: changes, dmlStats: { [key]: String(changes) } };
    }
    const rows = this.guard(() => (binds ? stmt.raw(true).all(binds) : stmt.raw(true).all()) as unknown[][]);
    const schema = this.resultSchema(stmt, rows);
    if (spec.destinationTable) this.writeDestination(spec, schema, rows);
    return { ...outcome, schema, rows };
  }

  /**
   * BigQuery coerces only literals, never parameters: a DATE parameter compared with a STRING or
   * TIMESTAMP column is an error, where SQLite would quietly compare text with text.
   */
  private checkComparisons(rewritten: RewrittenSql, spec: QuerySpec): void {
    const paramTypes = new Map((spec.queryParameters ?? []).map((p) => [p.name ?? '', toField({ name: '', type: p.parameterType?.type ?? 'STRING' }).type]));
    const columns = [
      ...rewritten.tables.flatMap(({ dataset, table }) => this.store.table(dataset, table)?.schema ?? []),
      ...(rewritten.partitionViews.length > 0 ? PARTITIONS_SCHEMA : []),
    ];
    for (const c of rewritten.comparisons) {
      const column = columns.find((f) => f.name.toLowerCase() === c.name.toLowerCase());
      const types = c.params.map((p) => paramTypes.get(p));
      if (!column || column.mode === 'REPEATED' || types.some((t) => t === undefined)) continue;
      if (types.every((t) => comparable(column.type, t!))) continue;
      const args = [column.type, ...(types as string[])].map(standardName).join(', ');
      const signature = c.operator === 'BETWEEN' ? '(ANY) BETWEEN (ANY) AND (ANY)' : `ANY ${c.operator} ANY`;
      throw new BqError(
        400,
        'invalidQuery',
        `No matching signature for operator ${c.operator} for argument types: ${args}. Supported signature: ${signature} at [${c.line}:${c.column}]`,
      );
    }
  }

  private prepare(sql: string): Database.Statement {
    return this.guard(() => this.store.db.prepare(sql));
  }

  /** Runs a write in one transaction and records which partitions it touched. */
  private write<T>(fn: () => T): T {
    try {
      const result = this.guard(() => this.store.db.transaction(fn)());
      this.store.flushTouched();
      return result;
    } catch (e) {
      this.store.discardTouched();
      throw e;
    }
  }

  /** Maps SQLite's errors to the errors BigQuery gives for the same mistake. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof BqError || !(e instanceof Error)) throw e;
      const { projectId } = this.store;
      let m: RegExpExecArray | null;
      if ((m = /no such table: (?:"?(\w+)"?\.)?"?(\w+)"?/.exec(e.message))) {
        if (!m[1]) throw new BqError(400, 'invalid', `Table name "${m[2]}" missing dataset while no default dataset is set in the request.`);
        this.store.requireTable(m[1], m[2] ?? '');
      }
      if ((m = /no such column: (.+)/.exec(e.message))) throw new BqError(400, 'invalidQuery', `Unrecognized name: ${m[1]} at [1:1]`);
      if ((m = /Missing named parameter "(\w+)"/.exec(e.message))) throw new BqError(400, 'invalidQuery', `Query parameter '${m[1]}' not found at [1:1]`);
      if ((m = /NOT NULL constraint failed: (?:\w+\.)?(\w+)/.exec(e.message))) throw new BqError(400, 'invalid', `Required field ${m[1]} cannot be null`);
      if (/Too (few|many) parameter values/.test(e.message)) throw new BqError(400, 'invalidQuery', `Query parameters do not match the query: ${e.message}`);
      throw new BqError(400, 'invalidQuery', `${e.message} (fake BigQuery on SQLite; project ${projectId})`);
    }
  }

  private estimateBytes(spec: QuerySpec, rewritten: RewrittenSql): number {
    if (this.knobs.bytesPerQuery) {
      // Scalar parameters by name, as sent (a DATE as 'YYYY-MM-DD'): estimates may vary by date.
      const params = Object.fromEntries((spec.queryParameters ?? []).map((p) => [p.name ?? '', p.parameterValue?.value]));
      return this.knobs.bytesPerQuery(spec.query, params);
    }
    // INFORMATION_SCHEMA reads bill the 10 MB minimum; otherwise every referenced table is read whole.
    if (rewritten.partitionViews.length > 0) return MIN_BILLED_BYTES;
    return rewritten.tables.reduce((sum, { dataset, table }) => {
      const meta = this.store.table(dataset, table);
      return sum + (meta ? this.store.numBytes(meta) : 0);
    }, 0);
  }

  /** Result schema: table columns keep their declared type; computed columns are typed from their values. */
  private resultSchema(stmt: Database.Statement, rows: unknown[][]): Field[] {
    let anonymous = 0;
    return stmt.columns().map((column, index) => {
      const known = this.store.columnField(column.database, column.table, column.column);
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(column.name) ? column.name : `f${anonymous++}_`;
      if (known) return { ...known, name };
      return { name, type: inferType(rows.map((r) => r[index])), mode: 'NULLABLE' };
    });
  }

  private writeDestination(spec: QuerySpec, schema: Field[], rows: unknown[][]): void {
    const ref = spec.destinationTable!;
    const [tableId = '', decorator] = String(ref.tableId ?? '').split('$');
    const dataset = String(ref.datasetId ?? '');
    if (ref.projectId && ref.projectId !== this.store.projectId) {
      throw new BqError(403, 'accessDenied', `Access Denied: Table ${ref.projectId}:${dataset}.${tableId}: Permission bigquery.tables.updateData denied`);
    }
    if (!this.store.hasDataset(dataset)) this.store.requireTable(dataset, tableId);
    const meta = this.store.table(dataset, tableId) ?? this.createDestination(spec, dataset, tableId, schema);
    const label = `${this.store.projectId}:${dataset}.${tableId}`;
    checkPartitioning(spec, meta, label);

    const positions = schema.map((field) => {
      const at = meta.schema.findIndex((f) => f.name === field.name);
      if (at < 0) throw new BqError(400, 'invalid', `Provided Schema does not match Table ${label}. Cannot add fields (field: ${field.name})`);
      return at;
    });
    const ordered = rows.map((row) => {
      const values: unknown[] = meta.schema.map(() => null);
      positions.forEach((at, i) => (values[at] = row[i]));
      return values;
    });

    let scope = '';
    const params: unknown[] = [];
    if (decorator !== undefined) {
      const { field, type } = meta.partitioning!;
      const idLength = type === 'MONTH' ? 6 : 8;
      if (!new RegExp(`^\\d{${idLength}}$`).test(decorator)) {
        throw new BqError(400, 'invalid', `Invalid partition decorator "${decorator}" for ${type} partitioned table ${label}`);
      }
      const at = meta.schema.findIndex((f) => f.name === field);
      if (ordered.some((values) => this.store.partitionOf(meta, values[at]) !== decorator)) {
        throw new BqError(400, 'invalid', `Some rows belong to different partitions rather than destination partition ${decorator}`);
      }
      scope = ` WHERE __bq_partition_of(${quote(dataset)}, ${quote(tableId)}, ${quoteIdent(field)}) = ?`;
      params.push(decorator);
    }

    const target = `${quoteIdent(dataset)}.${quoteIdent(tableId)}`;
    const disposition = spec.writeDisposition ?? 'WRITE_EMPTY';
    this.write(() => {
      if (disposition === 'WRITE_EMPTY') {
        const { n } = this.store.db.prepare(`SELECT COUNT(*) AS n FROM ${target}${scope}`).get(params) as { n: number };
        if (n > 0) throw new BqError(409, 'duplicate', `Already Exists: Table ${label}${decorator ? `$${decorator}` : ''}`);
      } else if (disposition === 'WRITE_TRUNCATE') {
        this.store.db.prepare(`DELETE FROM ${target}${scope}`).run(params);
      } else if (disposition !== 'WRITE_APPEND') {
        throw new BqError(400, 'invalid', `Invalid value for writeDisposition: ${disposition}`);
      }
      this.store.insertStored(meta, ordered);
    });
  }

  private createDestination(spec: QuerySpec, dataset: string, table: string, schema: Field[]): TableMeta {
    if (spec.createDisposition === 'CREATE_NEVER') this.store.requireTable(dataset, table);
    const tp = spec.timePartitioning;
    if (tp && !tp.field) throw new BqError(400, 'invalid', 'The fake supports column partitioning only (timePartitioning.field)');
    const partitioning = tp?.field ? { field: tp.field, type: tp.type === 'MONTH' ? ('MONTH' as const) : ('DAY' as const) } : undefined;
    return this.store.createTable(dataset, table, schema.map((f) => ({ ...f, mode: f.mode === 'REPEATED' ? 'REPEATED' : 'NULLABLE' })), partitioning);
  }
}

function checkPartitioning(spec: QuerySpec, meta: TableMeta, label: string): void {
  const [, decorator] = String(spec.destinationTable?.tableId ?? '').split('$');
  if (decorator !== undefined && !meta.partitioning) {
    throw new BqError(400, 'invalid', `Cannot write to partition ${decorator} of table ${label}: the table is not partitioned`);
  }
  const tp = spec.timePartitioning;
  if (tp?.field && meta.partitioning && tp.field !== meta.partitioning.field) {
    throw new BqError(
      400,
      'invalid',
      `Incompatible table partitioning specification. Expects partitioning specification interval(type:${meta.partitioning.type.toLowerCase()},field:${meta.partitioning.field}), but input partitioning specification is interval(type:${(tp.type ?? 'DAY').toLowerCase()},field:${tp.field})`,
    );
  }
}

function checkLabels(labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(key)) {
      throw new BqError(400, 'invalid', `Label key "${key}" has invalid characters: keys must start with a lowercase letter and hold only lowercase letters, digits, '_' or '-' (at most 63)`);
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      throw new BqError(400, 'invalid', `Label value "${String(value)}" for key "${key}" has invalid characters: only lowercase letters, digits, '_' or '-' (at most 63)`);
    }
  }
}

const TIME_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);

/** Whether BigQuery compares a column of type `a` with a parameter of type `b` (only date and time types are checked). */
function comparable(a: string, b: string): boolean {
  if (a === b || !(TIME_TYPES.has(a) || TIME_TYPES.has(b))) return true;
  // DATE coerces to DATETIME; nothing else crosses between date and time types, strings and numbers.
  return (a === 'DATE' && b === 'DATETIME') || (a === 'DATETIME' && b === 'DATE');
}

/** BigQuery's messages use standard SQL type names. */
function standardName(type: string): string {
  return ({ INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', RECORD: 'STRUCT' } as Record<string, string>)[type] ?? type;
}

function parameterValue(param: QueryParameter): unknown {
  const type = toField({ name: '', type: param.parameterType?.type ?? 'STRING' }).type;
  if (type === 'ARRAY') {
    const itemType = toField({ name: '', type: param.parameterType?.arrayType?.type ?? 'STRING' }).type;
    // Arrays travel as JSON text; `IN UNNEST(@x)` is rewritten to read them with json_each.
    return JSON.stringify((param.parameterValue?.arrayValues ?? []).map((item) => toStored(itemType, item.value)));
  }
  if (type === 'RECORD') throw new BqError(400, 'invalidQuery', 'STRUCT query parameters are not supported by the fake');
  // A parameter sent without a value (e.g. a plain string typed DATE) is NULL in BigQuery.
  return toStored(type, param.parameterValue?.value);
}

function bindParameters(spec: QuerySpec): Record<string, unknown> | unknown[] | undefined {
  const params = spec.queryParameters ?? [];
  if (params.length === 0) return undefined;
  if ((spec.parameterMode ?? 'NAMED').toUpperCase() === 'POSITIONAL') return params.map(parameterValue);
  const binds: Record<string, unknown> = {};
  for (const param of params) {
    if (!param.name) throw new BqError(400, 'invalid', 'Named query parameters must have a name');
    binds[param.name] = parameterValue(param);
  }
  return binds;
}

function inferType(values: unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'STRING';
  if (present.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) return 'INTEGER';
  if (present.every((v) => typeof v === 'number' || typeof v === 'bigint')) return 'FLOAT';
  if (present.every((v) => Buffer.isBuffer(v))) return 'BYTES';
  // A computed column of 'YYYY-MM-DD' strings (MIN(date_col), DATE(ts)) is a DATE in BigQuery.
  if (present.every((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) return 'DATE';
  return 'STRING';
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
