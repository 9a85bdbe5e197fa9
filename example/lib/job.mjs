// @ts-check
/**
 * The plumbing every example processor shares: arguments, the warehouse connection and the
 * idempotent write. A processor only says what it reads and computes.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gameDatesBetween } from '../schedule.mjs';
import { isIsoDate } from './dates.mjs';

/**
 * @typedef {object} TableSpec
 * @property {string} name
 * @property {string} dateColumn
 * @property {Record<string, string>} columns  column -> SQL type, in insert order
 * @property {string[]} key  starts with dateColumn, so date-range reads and the delete use it
 * @property {string[][]} [indexes]  extra indexes, e.g. by player for lookback reads
 */

/**
 * @typedef {object} Job
 * @property {string} name
 * @property {string} start
 * @property {string} end
 * @property {string[]} dates  the game dates this run writes, sorted
 * @property {Record<string, string | undefined>} options  the processor's own options
 * @property {import('better-sqlite3').Database} db  with temp table `job_dates(d)` holding `dates`
 */

/**
 * Prints `name: message` as one line and exits with `code` (2: bad arguments, 1: cannot run).
 * @returns {never}
 */
export function fail(/** @type {string} */ name, /** @type {string} */ message, code = 1) {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(code);
}

/**
 * Parses `--start-date A --end-date B` plus the processor's own string options (with defaults).
 * @param {string} name
 * @param {string[]} argv
 * @param {Record<string, string>} extra  option name -> default value
 */
export function parseJobArgs(name, argv, extra = {}) {
  const usage = `usage: node example/jobs/${name}.mjs --start-date YYYY-MM-DD --end-date YYYY-MM-DD${Object.keys(extra).map((o) => ` [--${o} ${extra[o]}]`).join('')}`;
  /** @type {Record<string, { type: 'string' }>} */
  const options = { 'start-date': { type: 'string' }, 'end-date': { type: 'string' } };
  for (const option of Object.keys(extra)) options[option] = { type: 'string' };
  /** @type {Record<string, string | boolean | undefined>} */
  let values = {};
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    fail(name, `${error instanceof Error ? error.message : String(error)} (${usage})`, 2);
  }
  for (const flag of ['start-date', 'end-date']) {
    const value = values[flag];
    if (value === undefined) fail(name, `--${flag} is required (${usage})`, 2);
    if (!isIsoDate(value)) fail(name, `--${flag} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`, 2);
  }
  const start = String(values['start-date']);
  const end = String(values['end-date']);
  if (start > end) fail(name, `--start-date ${start} is after --end-date ${end}`, 2);
  /** @type {Record<string, string | undefined>} */
  const own = {};
  for (const option of Object.keys(extra)) own[option] = String(values[option] ?? extra[option]);
  return { start, end, options: own };
}

/** Opens BFTASK_WAREHOUSE (default data/warehouse.db), ready for many concurrent writers. */
export function openWarehouse() {
  const path = resolve(process.env['BFTASK_WAREHOUSE'] || 'data/warehouse.db');
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // The timeout first: switching to WAL itself needs the lock another processor may hold.
  db.pragma('busy_timeout = 30000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Big enough that a step's reads and sorts stay in memory instead of spilling to temp files.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * Starts a processor run: parses arguments, opens the warehouse and picks the dates to write,
 * the game dates in range, without each season's bootstrap days when `skipBootstrap`.
 * @param {string} name
 * @param {{ skipBootstrap?: boolean, options?: Record<string, string>, unit?: string }} [settings]
 * @returns {Job}
 */
export function startJob(name, settings = {}) {
  const { start, end, options } = parseJobArgs(name, process.argv.slice(2), settings.options);
  const dates = gameDatesBetween(start, end, settings.skipBootstrap ?? false);
  if (dates.length === 0) {
    // An off-season range: nothing to read or write, so not even the inputs need to exist.
    console.log(`${name}: ${start}..${end}, no game dates to write\nCOMPLETE 0 dates, 0 ${settings.unit ?? 'rows'}`);
    process.exit(0);
  }
  const db = openWarehouse();
  db.exec('CREATE TEMP TABLE job_dates (d TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO job_dates (d) VALUES (?)');
  for (const d of dates) insert.run(d);
  console.log(`${name}: ${start}..${end}, ${dates.length} game dates to write`);
  return { name, start, end, dates, options, db };
}

/** Exits 1 unless every job date has rows in each same-day input: never write from nothing. */
export function requireInputs(/** @type {Job} */ job, /** @type {[string, string][]} */ inputs) {
  for (const [table, column] of inputs) {
    const exists = job.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
    if (!exists) fail(job.name, `input table ${table} does not exist yet; run its processor first`);
    const missing = /** @type {{ d: string }[]} */ (
      job.db.prepare(`SELECT d FROM job_dates WHERE d NOT IN (SELECT ${column} FROM ${table} WHERE ${column} BETWEEN ? AND ?) ORDER BY d`).all(job.start, job.end)
    );
    if (missing.length > 0) {
      const shown = missing.slice(0, 3).map((m) => m.d).join(', ');
      fail(job.name, `input ${table} has no rows for ${missing.length} of ${job.dates.length} dates (${shown}${missing.length > 3 ? ', ...' : ''})`);
    }
  }
}

/** Creates `spec`'s table and indexes when missing. */
function createTable(/** @type {import('better-sqlite3').Database} */ db, /** @type {TableSpec} */ spec) {
  const columns = Object.entries(spec.columns).map(([c, type]) => `${c} ${type}`);
  // WITHOUT ROWID: rows live in the primary-key tree itself, so each insert updates one B-tree.
  db.exec(`CREATE TABLE IF NOT EXISTS ${spec.name} (${columns.join(', ')}, PRIMARY KEY (${spec.key.join(', ')})) WITHOUT ROWID`);
  for (const cols of spec.indexes ?? []) {
    db.exec(`CREATE INDEX IF NOT EXISTS ${spec.name}__${cols.join('_')} ON ${spec.name} (${cols.join(', ')})`);
  }
}

/**
 * Runs `fill` in one BEGIN IMMEDIATE transaction after deleting the job dates' rows of `spec`,
 * so a re-run never duplicates and a crash keeps the old rows. `fill` returns how many rows it
 * inserted; any of them outside the job dates (an excluded bootstrap day, say) rolls it all back.
 * @param {Job} job
 * @param {TableSpec} spec
 * @param {() => number} fill
 */
function replaceDates(job, spec, fill) {
  const write = job.db.transaction(() => {
    createTable(job.db, spec);
    job.db.prepare(`DELETE FROM ${spec.name} WHERE ${spec.dateColumn} IN (SELECT d FROM job_dates)`).run();
    const inserted = fill();
    const inRange = /** @type {{ n: number }} */ (
      job.db.prepare(`SELECT COUNT(*) AS n FROM ${spec.name} WHERE ${spec.dateColumn} IN (SELECT d FROM job_dates)`).get()
    );
    if (inRange.n !== inserted) {
      throw new Error(`Internal error: ${job.name} wrote ${inserted - inRange.n} ${spec.name} rows outside its dates`);
    }
    return inserted;
  });
  return write.immediate();
}

/**
 * Replaces the job dates' rows of `spec` with rows computed in JavaScript; returns the count.
 * @param {Job} job
 * @param {TableSpec} spec
 * @param {Record<string, unknown>[]} rows
 */
export function writeRows(job, spec, rows) {
  const columns = Object.keys(spec.columns);
  return replaceDates(job, spec, () => {
    const insert = job.db.prepare(`INSERT INTO ${spec.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    for (const row of rows) insert.run(columns.map((c) => row[c] ?? null));
    return rows.length;
  });
}

/**
 * Replaces the job dates' rows of `spec` with the result of `select` (whose columns are named
 * like the table's), computed inside SQLite: turning wide rows into JavaScript objects costs
 * more than the query. Returns the count.
 * @param {Job} job
 * @param {TableSpec} spec
 * @param {string} select
 * @param {Record<string, unknown>} [params]
 */
export function writeQuery(job, spec, select, params = {}) {
  const columns = Object.keys(spec.columns).join(', ');
  return replaceDates(job, spec, () => {
    const statement = job.db.prepare(`INSERT INTO ${spec.name} (${columns}) SELECT ${columns} FROM (${select})`);
    return statement.run(params).changes;
  });
}

/** Prints the closing line the runbook looked for and closes the warehouse. */
export function finish(/** @type {Job} */ job, /** @type {number} */ rows, unit = 'rows') {
  console.log(`COMPLETE ${job.dates.length} dates, ${rows} ${unit}`);
  job.db.close();
}
