/**
 * The embedded warehouse: one SQLite file in WAL mode. bftask only reads it (steps write), and
 * every read is a short autocommit statement, so it never blocks a step's write transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Range } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { addDays, isIsoDate } from '../util/dates.js';
import { messageOf, UsageError } from '../util/errors.js';
import { spawnStep } from '../run/spawn.js';
import type { CheckQuery, PresentDates, TableRef, Warehouse } from './warehouse.js';

const WRITER = fileURLToPath(new URL('./sqlite-write.js', import.meta.url));

/**
 * Opens the SQLite file at `file`; `shown` is how messages name it. A missing file reads as an
 * empty warehouse; with `create` (a run that will write) it is created, in WAL mode, only when
 * the run is about to start steps (`prepareToWrite`), so an error found while planning leaves
 * nothing behind.
 */
export function openSqlite(file: string, shown: string, create: boolean): Warehouse {
  const exists = fs.existsSync(file);
  if (exists && fs.statSync(file).isDirectory()) throw new UsageError(`warehouse ${shown} is a folder, not a SQLite database file`);
  if (exists) return openFile(file, shown, create, undefined);
  const notice = `warehouse ${shown} does not exist yet: it will be created`;
  const empty = emptyWarehouse(file, shown, notice);
  if (!create) return empty;
  let made: Warehouse | undefined;
  const real = () => (made ??= openFile(file, shown, true, notice));
  return {
    ...empty,
    prepareToWrite: () => void real(),
    presentDates: (tables, range) => (made ?? empty).presentDates(tables, range),
    calendarDates: (ref, range) => (made ?? empty).calendarDates(ref, range),
    failingDates: (check) => (made ?? empty).failingDates(check),
    writeSql: (request) => real().writeSql(request),
    close: () => made?.close(),
  };
}

function openFile(file: string, shown: string, create: boolean, notice: string | undefined): Warehouse {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
    // Steps write while bftask reads; a busy reader waits instead of failing.
    db.pragma('busy_timeout = 30000');
    // Opening never reads the file: this does, so a file that is no database fails here.
    db.pragma('schema_version');
    // WAL lets steps write while bftask reads; the mode is stored in the file, so set it once.
    if (create && db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  } catch (error) {
    throw new UsageError(`warehouse ${shown} cannot be opened as a SQLite database: ${messageOf(error)}`);
  }

  // SQLite matches table and column names case-insensitively; so does bftask.
  const tableName = db.prepare<[string], { name: string }>(
    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE",
  );
  const columnName = (table: string, column: string): string | undefined =>
    (db.pragma(`table_info(${quote(table)})`) as { name: string }[]).find((c) => c.name.toLowerCase() === column.toLowerCase())?.name;

  /** Distinct dates in [start, end] with their row counts; undefined when the table does not exist yet. */
  const distinctDates = (ref: TableRef, range: Range): { date: IsoDate; rows: number }[] | undefined => {
    const table = tableName.get(ref.table)?.name;
    if (table === undefined) return undefined;
    const column = columnName(table, ref.dateColumn);
    if (column === undefined) throw new UsageError(`table ${ref.table} in ${shown} has no column "${ref.dateColumn}"`);
    // Names were checked above; values are bound, never spliced. A half-open text range keeps
    // the filter index-friendly and takes in timestamps ('2024-01-05 00:00:00', what pandas
    // and DATETIME columns write) as their date. Row counts come with the grouping, for minRows.
    const rows = db
      .prepare<[string, string], { d: unknown; odd: unknown; n: number }>(
        `SELECT substr(${quote(column)}, 1, 10) AS d, count(*) AS n, ` +
          `max(CASE WHEN ${DATE_FORM(quote(column))} THEN NULL ELSE ${quote(column)} END) AS odd ` +
          `FROM ${quote(table)} WHERE ${quote(column)} >= ? AND ${quote(column)} < ? GROUP BY 1`,
      )
      .all(range.start, addDays(range.end, 1));
    const odd = rows.find((r) => r.odd !== null || !isIsoDate(r.d));
    if (odd) throw notDates(ref, odd.odd ?? odd.d);
    if (rows.length === 0) {
      // Values of another type (epoch numbers, '01/05/2024') sort outside any text range and
      // would read as "nothing built": say so instead.
      const sample = db
        .prepare<[], { v: unknown }>(`SELECT ${quote(column)} AS v FROM ${quote(table)} WHERE ${quote(column)} IS NOT NULL LIMIT 1`)
        .get();
      if (sample && !(typeof sample.v === 'string' && isIsoDate(sample.v.slice(0, 10)))) throw notDates(ref, sample.v);
    }
    return rows.map((r) => ({ date: r.d as IsoDate, rows: r.n })).sort((a, b) => (a.date < b.date ? -1 : 1));
  };
  const notDates = (ref: TableRef, example: unknown) =>
    new UsageError(
      `table ${ref.table} in ${shown}: column "${ref.dateColumn}" holds ${JSON.stringify(example)}, not a date: ` +
        "write dates as text 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS')",
    );

  return {
    description: shown,
    notice,
    prepareToWrite: () => {},
    async presentDates(tables, range) {
      const present = new Map<string, PresentDates>();
      // SQLite keeps no per-date modification time.
      for (const ref of tables) present.set(ref.table, new Map((distinctDates(ref, range) ?? []).map((d) => [d.date, { rows: d.rows }])));
      return present;
    },
    async failingDates(check) {
      return runCheck(db, check);
    },
    async calendarDates(ref, range) {
      const dates = distinctDates(ref, range);
      if (dates === undefined) throw new UsageError(`calendar.table: no table "${ref.table}" in ${shown}`);
      return dates.map((d) => d.date);
    },
    async writeSql(request) {
      const outcome = await spawnStep({
        argv: [process.execPath, WRITER],
        cwd: path.dirname(file),
        env: {
          BFTASK_WAREHOUSE: file,
          BFTASK_TABLE: request.ref.table,
          BFTASK_DATE_COLUMN: request.ref.dateColumn,
          BFTASK_SQL: request.sql,
          BFTASK_START: request.start,
          BFTASK_END: request.end,
          BFTASK_DATES: request.dates.join(','),
        },
        logFile: request.logFile,
        signal: request.signal,
        onSpawn: request.onSpawn,
      });
      if (request.signal.aborted) return { message: 'interrupted', interrupted: true };
      if (outcome.kind === 'exited' && outcome.code === 0) return undefined;
      const said = fs.readFileSync(request.logFile, 'utf8').split('\n').reverse().find((l) => l.startsWith('sql failed: '));
      if (said) return { message: said.slice('sql failed: '.length) };
      return { message: outcome.kind === 'exited' ? `writer exited with code ${outcome.code}` : outcome.kind === 'signal' ? `writer killed by ${outcome.signal}` : outcome.message };
    },
    stepEnv: () => ({ BFTASK_WAREHOUSE: file }),
    close: () => db.close(),
  };
}

/** A warehouse file that does not exist yet: every table is empty. */
function emptyWarehouse(file: string, shown: string, notice: string | undefined): Warehouse {
  return {
    description: shown,
    notice,
    presentDates: async (tables) => new Map(tables.map((t) => [t.table, new Map()])),
    // Nothing is present, so no date can fail (and the tables a check reads do not exist yet).
    failingDates: async () => [],
    calendarDates: async (ref) => {
      throw new UsageError(`calendar.table: no table "${ref.table}" in ${shown} (the file does not exist yet)`);
    },
    writeSql: async () => {
      throw new Error('Internal error: writing to a warehouse opened without create');
    },
    stepEnv: () => ({ BFTASK_WAREHOUSE: file }),
    close: () => {},
  };
}

/**
 * A data check's failing dates. It runs on bftask's own connection, so it must not write:
 * SQLite says whether a statement is read-only before it runs.
 */
function runCheck(db: Database.Database, check: CheckQuery): IsoDate[] {
  const attempt = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw new UsageError(`cannot run: ${messageOf(error)}`);
    }
  };
  const statement = attempt(() => db.prepare(check.sql));
  if (!statement.reader || !statement.readonly) throw new UsageError('is not a SELECT: a check must only read');
  const columns = statement.columns().map((c) => c.name);
  const column = columns.find((c) => c.toLowerCase() === 'date') ?? columns.find((c) => c.toLowerCase() === check.ref.dateColumn.toLowerCase());
  if (column === undefined) throw new UsageError(`returns no column named date or ${check.ref.dateColumn} (it returns ${columns.join(', ')})`);
  const failing = new Set<IsoDate>();
  const rows = attempt(() => statement.all({ start: check.range.start, end: check.range.end }) as Record<string, unknown>[]);
  for (const row of rows) {
    const value = row[column];
    const date = typeof value === 'string' ? value.slice(0, 10) : undefined;
    if (date === undefined || !isIsoDate(date)) throw new UsageError(`returned ${JSON.stringify(value)} in column ${column}, not a date`);
    failing.add(date);
  }
  return [...failing].sort();
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** SQL true for a text value that starts with a date: `YYYY-MM-DD`, then nothing, a space or `T`. */
const DATE_FORM = (column: string): string =>
  `(typeof(${column}) = 'text' AND ${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' ` +
  `AND (length(${column}) = 10 OR substr(${column}, 11, 1) IN (' ', 'T')))`;
