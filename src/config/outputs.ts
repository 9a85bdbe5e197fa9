/**
 * Checks what a target writes — a table, local files or Cloud Storage objects — and the data
 * checks a table's dates must pass (`minRows`, `check`).
 */
import path from 'node:path';
import { isObjectPattern, parseObjectPattern } from '../outputs/pattern.js';
import { IDENTIFIER, show, TABLE_NAME, type Fail } from './checks.js';
import { sqlStatements } from './sql-text.js';
import type { DataChecks, Output, Target } from './config.js';
import type { WarehouseConfig } from './types.js';

/** The target's output from `table` + `dateColumn` or `files`. */
export function checkOutput(raw: Record<string, unknown>, warehouse: WarehouseConfig | undefined, fail: Fail): Output | undefined {
  if (raw.files !== undefined) {
    if (raw.table !== undefined || raw.dateColumn !== undefined) {
      fail('', 'give either files or table and dateColumn, not both');
      return undefined;
    }
    if (typeof raw.files !== 'string' || !raw.files.includes('{date}')) {
      fail('.files', `must be a path pattern containing {date}, got ${show(raw.files)}`);
      return undefined;
    }
    if (!isObjectPattern(raw.files)) return { kind: 'files', pattern: raw.files };
    const parsed = parseObjectPattern(raw.files);
    if ('problem' in parsed) {
      fail('.files', `${show(raw.files)}: ${parsed.problem}`);
      return undefined;
    }
    return { kind: 'objects', pattern: raw.files, ...parsed };
  }
  let ok = true;
  if (typeof raw.table !== 'string' || !TABLE_NAME.test(raw.table)) {
    fail('.table', `must be a table name (letters, digits, _; dataset.table on BigQuery), got ${show(raw.table)}`);
    ok = false;
  } else if (warehouse?.kind === 'sqlite' && raw.table.includes('.')) {
    fail('.table', `"${raw.table}": SQLite tables have no dataset; drop the prefix`);
    ok = false;
  } else if (warehouse?.kind === 'bigquery' && !raw.table.includes('.') && !warehouse.dataset) {
    fail('.table', `"${raw.table}": name its dataset (dataset.table) or set warehouse.dataset`);
    ok = false;
  }
  if (typeof raw.dateColumn !== 'string' || !IDENTIFIER.test(raw.dateColumn)) {
    fail('.dateColumn', `must be a column name, got ${show(raw.dateColumn)}`);
    ok = false;
  }
  return ok ? { kind: 'table', table: raw.table as string, dateColumn: raw.dateColumn as string } : undefined;
}

/**
 * `minRows` and `check`. Whether a check runs (a table it reads may not exist) is only known by
 * running it: that happens once per plan, before anything runs, and fails there in one line.
 */
export function checkDataChecks(
  raw: Record<string, unknown>,
  output: Output | undefined,
  warehouse: WarehouseConfig | undefined,
  fail: Fail,
): DataChecks | undefined {
  let ok = true;
  if (output !== undefined && output.kind !== 'table') {
    for (const field of ['minRows', 'check'] as const) {
      if (raw[field] === undefined) continue;
      fail(`.${field}`, 'applies to table targets only: files have no rows to check');
      ok = false;
    }
    return ok ? {} : undefined;
  }
  const checks: { minRows?: number; sql?: string } = {};
  if (raw.minRows !== undefined) {
    if (Number.isInteger(raw.minRows) && (raw.minRows as number) >= 1) checks.minRows = raw.minRows as number;
    else {
      fail('.minRows', `must be a whole number of rows, 1 or more, got ${show(raw.minRows)}`);
      ok = false;
    }
  }
  if (raw.check !== undefined) {
    const sql = checkQuery(raw.check, warehouse, fail);
    if (sql === undefined) ok = false;
    else checks.sql = sql;
  }
  return ok ? checks : undefined;
}

function checkQuery(raw: unknown, warehouse: WarehouseConfig | undefined, fail: Fail): string | undefined {
  const usage = 'must be one SELECT of the dates in @start..@end that fail, e.g. SELECT d AS date FROM t WHERE d BETWEEN @start AND @end AND key IS NULL';
  if (typeof raw !== 'string' || raw.trim() === '') {
    fail('.check', `${usage}, got ${show(raw)}`);
    return undefined;
  }
  if (!/@start\b/.test(raw) || !/@end\b/.test(raw)) {
    fail('.check', `must read only the dates @start..@end (both parameters), got ${show(oneLine(raw))}`);
    return undefined;
  }
  const statements = sqlStatements(raw, warehouse?.kind === 'bigquery' ? 'bigquery' : 'sqlite');
  if (statements.length !== 1) {
    fail('.check', `must be one SELECT, got ${statements.length} statements`);
    return undefined;
  }
  const statement = statements[0] as string;
  if (!/^\(*\s*(SELECT|WITH)\b/i.test(withoutLeadingComments(statement))) {
    fail('.check', `must be a SELECT (or WITH … SELECT), got ${show(oneLine(statement))}`);
    return undefined;
  }
  return statement;
}

const oneLine = (text: string): string => {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
};

function withoutLeadingComments(sql: string): string {
  let rest = sql;
  for (;;) {
    const next = rest.replace(/^\s*(?:--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)/, '');
    if (next === rest) return rest.trimStart();
    rest = next;
  }
}

/** Two targets writing one table (or files) would each see the other's dates as their own. */
export function checkSharedOutputs(targets: ReadonlyMap<string, Target>, warehouse: WarehouseConfig | undefined, dir: string, fail: Fail): void {
  const writers = new Map<string, string>();
  for (const target of targets.values()) {
    const key = outputKey(target.output, warehouse, dir);
    const other = writers.get(key);
    if (other) fail(`targets.${target.name}`, `writes ${target.label}, which targets.${other} writes too`);
    else writers.set(key, target.name);
  }
}

/** One spelling per output: SQLite ignores the case of names; BigQuery names resolve to project.dataset.table. */
function outputKey(output: Output, warehouse: WarehouseConfig | undefined, dir: string): string {
  if (output.kind === 'files') return `files:${path.resolve(dir, output.pattern)}`;
  if (output.kind === 'objects') return `objects:${output.pattern}`;
  if (warehouse?.kind !== 'bigquery') return `table:${output.table.toLowerCase()}`;
  const parts = output.table.split('.');
  const full = parts.length === 3 ? parts : parts.length === 2 ? [warehouse.projectId, ...parts] : [warehouse.projectId, warehouse.dataset, ...parts];
  return `table:${full.join('.')}`;
}
