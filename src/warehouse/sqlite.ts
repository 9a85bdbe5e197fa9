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
import { isIsoDate } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { spawnStep } from '../run/spawn.js';
import type { PresentDates, TableRef, Warehouse } from './warehouse.js';

const WRITER = fileURLToPath(new URL('./sqlite-write.js', import.meta.url));

/**
 * Opens the SQLite file at `file`; `shown` is how messages name it. With `create` (a run that
 * will write), a missing file is created in WAL mode; without (status, --dry-run), a missing
 * file reads as an empty warehouse and nothing is written.
 */
export function openSqlite(file: string, shown: string, create: boolean): Warehouse {
  if (!create && !fs.existsSync(file)) return emptyWarehouse(file, shown);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Steps write while bftask reads; a busy reader waits instead of failing.
  db.pragma('busy_timeout = 30000');
  // WAL lets steps write while bftask reads; the mode is stored in the file, so set it once.
  if (create && db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');

  const tableExists = db.prepare<[string], { n: number }>(
    "SELECT count(*) AS n FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
  );
  const columns = (table: string): string[] =>
    (db.pragma(`table_info(${quote(table)})`) as { name: string }[]).map((c) => c.name);

  /** Distinct dates in [start, end]; undefined when the table does not exist yet. */
  const distinctDates = (ref: TableRef, range: Range): IsoDate[] | undefined => {
    if ((tableExists.get(ref.table)?.n ?? 0) === 0) return undefined;
    if (!columns(ref.table).includes(ref.dateColumn)) {
      throw new UsageError(`table ${ref.table} in ${shown} has no column "${ref.dateColumn}"`);
    }
    // Names were validated as identifiers; values are bound, never spliced.
    const rows = db
      .prepare<[string, string], { d: unknown }>(
        `SELECT DISTINCT ${quote(ref.dateColumn)} AS d FROM ${quote(ref.table)} WHERE ${quote(ref.dateColumn)} BETWEEN ? AND ?`,
      )
      .all(range.start, range.end);
    return rows.map((r) => r.d).filter(isIsoDate).sort();
  };

  return {
    description: shown,
    async presentDates(tables, range) {
      const present = new Map<string, PresentDates>();
      // SQLite keeps no per-date modification time.
      for (const ref of tables) present.set(ref.table, new Map((distinctDates(ref, range) ?? []).map((d) => [d, undefined])));
      return present;
    },
    async calendarDates(ref, range) {
      const dates = distinctDates(ref, range);
      if (dates === undefined) throw new UsageError(`calendar.table: no table "${ref.table}" in ${shown}`);
      return dates;
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
function emptyWarehouse(file: string, shown: string): Warehouse {
  return {
    description: shown,
    presentDates: async (tables) => new Map(tables.map((t) => [t.table, new Map()])),
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

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
