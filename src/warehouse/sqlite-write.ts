/**
 * Writes a SQL target's step into the SQLite warehouse; run by bftask as its own child process,
 * like any command step, so a long write or a wait for the lock never stalls bftask's event loop
 * and an interrupted run can kill it. Reads BFTASK_* variables; exit 0 done, 1 SQL error.
 */
import Database from 'better-sqlite3';
import { counted } from '../report/format.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`Internal error: ${name} is not set`);
  return value;
};
const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function write(): void {
  const table = quote(env('BFTASK_TABLE'));
  const configured = env('BFTASK_DATE_COLUMN');
  const sql = env('BFTASK_SQL');
  const dates = env('BFTASK_DATES').split(',');
  const params = { start: env('BFTASK_START'), end: env('BFTASK_END'), dates: JSON.stringify(dates) };
  const db = new Database(env('BFTASK_WAREHOUSE'));
  db.pragma('busy_timeout = 60000');
  const select = db.prepare(sql);
  if (!select.reader) throw new Error('sql must be a SELECT');
  const columns = select.columns().map((c) => c.name);
  // Names match as SQLite matches them: whatever the case.
  const dateColumn = columns.find((c) => c.toLowerCase() === configured.toLowerCase());
  if (dateColumn === undefined) throw new Error(`sql does not select the date column "${configured}"`);
  const list = columns.map(quote).join(', ');
  // On lines of its own, so a trailing `-- comment` in the user's SELECT cannot swallow the `)`.
  const source = `(\n${sql}\n)`;
  // A row's date is the first ten characters of its date column, so timestamps
  // ('2024-01-05 00:00:00') count as their date, as coverage reads them.
  const column = quote(dateColumn);
  const onlyDates = `substr(${column}, 1, 10) IN (SELECT value FROM json_each(@dates))`;
  // The range first, so an index on the date column narrows the DELETE.
  const inRange = `${column} >= @start AND ${column} < date(@end, '+1 day')`;
  // Reads happen inside the write transaction, so it must start IMMEDIATE: SQLite does not
  // wait for a busy lock when a read lock is upgraded.
  const inserted = db
    .transaction(() => {
      db.prepare(`CREATE TABLE IF NOT EXISTS ${table} AS SELECT ${list} FROM ${source} WHERE 0`).run(params);
      db.prepare(`DELETE FROM ${table} WHERE ${inRange} AND ${onlyDates}`).run(params);
      // Rows for dates outside the step are dropped: a step writes exactly its own dates.
      return db.prepare(`INSERT INTO ${table} (${list}) SELECT ${list} FROM ${source} WHERE ${onlyDates}`).run(params).changes;
    })
    .immediate();
  db.close();
  console.log(`wrote ${counted(inserted, 'row')} for ${counted(dates.length, 'date')} into ${env('BFTASK_TABLE')}`);
}

try {
  write();
} catch (error) {
  console.error(`sql failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
