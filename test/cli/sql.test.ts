// SQL targets on SQLite: bftask writes the SELECT's rows itself, in a child process, deleting and
// inserting exactly the step's dates in one BEGIN IMMEDIATE transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, commandLine, days, descendants, dryRun, hasExited, isAlive, pendingOf, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
/** raw holds a day either side of the range too, so a SELECT that strays finds rows to stray into. */
const RAW_DAYS = days(addDays(RANGE[0], -1), addDays(RANGE[1], 1));

/** Three rows a day, values made from the date so every day differs: 2024-01-07 → 7, 70, 700 (+ shift). */
const rawRows = (shift = 0): { d: string; v: number }[] =>
  RAW_DAYS.flatMap((d) => [1, 10, 100].map((k) => ({ d, v: Number(d.slice(8)) * k + shift })));

/** What `SELECT d, SUM(v), COUNT(*) ... GROUP BY d` must give, computed here from the rows themselves. */
const aggregate = (rows: readonly { d: string; v: number }[], dates: readonly string[]) =>
  dates.map((d) => {
    const mine = rows.filter((r) => r.d === d);
    return { d, total: mine.reduce((sum, r) => sum + r.v, 0), n: mine.length };
  });

const AGG_SQL = 'SELECT d, SUM(v) AS total, COUNT(*) AS n FROM raw WHERE d BETWEEN @start AND @end GROUP BY d';

const newProject = projectMaker();

/** A project whose warehouse already holds `raw`, in WAL mode as bftask leaves it. */
function project(targets: string, extra = ''): Project {
  const p = newProject({ 'backfill.config.ts': configSource(targets, { range: [...RANGE], extra }) });
  p.exec('CREATE TABLE raw (d TEXT NOT NULL, v INTEGER NOT NULL)');
  for (const r of rawRows()) p.exec('INSERT INTO raw VALUES (?, ?)', r.d, r.v);
  const db = new Database(path.join(p.dir, 'data', 'warehouse.db'));
  db.pragma('journal_mode = WAL');
  db.close();
  return p;
}

const rowsOf = (p: Project, table: string) => p.query(`SELECT * FROM "${table}" ORDER BY d, rowid`);
const tables = (p: Project): string[] =>
  p.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name);

/** The summary line naming a step's failure: `  target start..end   reason`. */
const summaryLine = (target: string, reason: string) =>
  new RegExp(`^  ${target} ${RANGE[0]}\\.\\.${RANGE[1]} +${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');

describe.concurrent('sql targets on SQLite', () => {
  it("write exactly the step's dates: other dates' rows stay as they were, and a re-run never duplicates", async () => {
    const p = project(`{ agg: { table: 'agg_t', dateColumn: 'd', sql: '${AGG_SQL}', shard: 3 } }`);
    // One row outside the range and one on a date already present: neither is any step's.
    p.exec('CREATE TABLE agg_t (d TEXT, total INTEGER, n INTEGER)');
    const OUTSIDE = { d: addDays(RANGE[0], -1), total: -1, n: -1 };
    const PRESENT = { d: '2024-01-05', total: -5, n: -5 };
    for (const r of [OUTSIDE, PRESENT]) p.exec('INSERT INTO agg_t VALUES (?, ?, ?)', r.d, r.total, r.n);

    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ agg: ALL.filter((d) => d !== PRESENT.d) });
    expect(plan.get('agg')?.steps.map((s) => `${s.start}..${s.end}`)).toEqual([
      '2024-01-01..2024-01-03', '2024-01-04..2024-01-04', '2024-01-06..2024-01-08', '2024-01-09..2024-01-10',
    ]);
    const first = await p.bftask([]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const built = aggregate(rawRows(), ALL.filter((d) => d !== PRESENT.d));
    expect(rowsOf(p, 'agg_t')).toEqual([OUTSIDE, ...built.slice(0, 4), PRESENT, ...built.slice(4)]);

    // The source changes everywhere; a forced run over 04..07 rewrites those dates only.
    p.exec('UPDATE raw SET v = v + 1000');
    const FORCED = days('2024-01-04', '2024-01-07');
    const forced = ['--force', 'agg', '--from', FORCED[0] as string, '--to', FORCED.at(-1) as string];
    expect(pendingOf(await dryRun(p, forced))).toEqual({ agg: FORCED });
    const second = await p.bftask(forced);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const old = new Map(built.map((r) => [r.d, r]));
    const fresh = new Map(aggregate(rawRows(1000), FORCED).map((r) => [r.d, r]));
    const expected = [OUTSIDE, ...ALL.map((d) => fresh.get(d) ?? old.get(d) ?? PRESENT)];
    expect(rowsOf(p, 'agg_t')).toEqual(expected);

    // Again: the same rows, one per date, not a second copy of them.
    const third = await p.bftask(forced);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(rowsOf(p, 'agg_t')).toEqual(expected);
  });

  it("drop the rows the SELECT returns for dates that are not the step's, and leave those dates alone", async () => {
    // Steps span days the calendar skips (03, 04), and the SELECT reads from the day before each
    // step's start: rows for 2023-12-31, 03, 04 and the other step's first date come back.
    const CALENDAR = ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06', '2024-01-07'];
    const p = project(
      `{ wide: { table: 'wide_t', dateColumn: 'd', sql: "SELECT d, v FROM raw WHERE d BETWEEN date(@start, '-1 day') AND @end", shard: 3 } }`,
      `calendar: ${JSON.stringify(CALENDAR)},`,
    );
    // A row on a skipped day inside the first step's start..end: not the step's, so untouched.
    p.exec('CREATE TABLE wide_t (d TEXT, v INTEGER)');
    p.exec("INSERT INTO wide_t VALUES ('2024-01-03', -3)");

    const plan = await dryRun(p);
    expect(plan.get('wide')?.steps.map((s) => `${s.start}..${s.end}`)).toEqual(['2024-01-01..2024-01-05', '2024-01-06..2024-01-07']);
    const result = await p.bftask([]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const expected = [...rawRows().filter((r) => CALENDAR.includes(r.d)), { d: '2024-01-03', v: -3 }].sort((x, y) => x.d.localeCompare(y.d));
    expect(rowsOf(p, 'wide_t')).toEqual(expected);
    // Each calendar date exactly once per source row: no step wrote another's date.
    expect(p.query('SELECT d, COUNT(*) AS n FROM wide_t GROUP BY d ORDER BY d')).toEqual([
      ...CALENDAR.slice(0, 2).map((d) => ({ d, n: 3 })),
      { d: '2024-01-03', n: 1 },
      ...CALENDAR.slice(2).map((d) => ({ d, n: 3 })),
    ]);
  });

  it('fail the step when the SELECT lacks the date column: the reason in the summary, nothing written', async () => {
    const p = project(`{
      nodate: { table: 'nodate_t', dateColumn: 'd', sql: 'SELECT d AS day, v FROM raw WHERE d BETWEEN @start AND @end', bisect: false },
    }`);
    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(summaryLine('nodate', 'SQL failed: sql does not select the date column "d"'));
    expect(tables(p)).toEqual(['raw']);
    const log = /^ +log: (\S+)$/m.exec(result.stdout)?.[1];
    expect(log, result.stdout).toBeDefined();
    expect(fs.readFileSync(path.resolve(p.dir, log as string), 'utf8')).toContain('sql does not select the date column "d"');
  });

  it('a SELECT that returns no rows for one of its dates fails the step as still missing', async () => {
    const GAP = '2024-01-05';
    const p = project(`{ agg: { table: 'agg_t', dateColumn: 'd', sql: '${AGG_SQL}', bisect: false } }`);
    p.exec('DELETE FROM raw WHERE d = ?', GAP);
    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(summaryLine('agg', `wrote but ${GAP} still missing from agg_t`));
    // The dates it did return were written; a re-run once the source has the date fills just that.
    const rest = ALL.filter((d) => d !== GAP);
    expect(rowsOf(p, 'agg_t')).toEqual(aggregate(rawRows(), rest));
    for (const r of rawRows().filter((r) => r.d === GAP)) p.exec('INSERT INTO raw VALUES (?, ?)', r.d, r.v);
    expect(pendingOf(await dryRun(p))).toEqual({ agg: [GAP] });
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rowsOf(p, 'agg_t')).toEqual(aggregate(rawRows(), ALL));
  });

  it('a SQL error fails the step: its dependents are skipped, independent targets go on, exit 1', async () => {
    const p = project(`{
      broken: { table: 'broken_t', dateColumn: 'd', sql: 'SELECT d, nope FROM raw WHERE d BETWEEN @start AND @end', bisect: false },
      down: { table: 'down_t', dateColumn: 'd', deps: ['broken'], sql: 'SELECT d, nope FROM broken_t WHERE d BETWEEN @start AND @end' },
      ok: { table: 'ok_t', dateColumn: 'd', sql: '${AGG_SQL}', shard: 4 },
      cmd: { table: 'cmd_t', dateColumn: 'd', deps: ['ok'], run: proc('cmd_t') },
    }`);
    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(summaryLine('broken', 'SQL failed: no such column: nope'));
    expect(result.stdout).toContain(`skipped because of it: down ${ALL.length} dates`);
    expect(result.stdout).toMatch(/^✖ 1 step failed, 2 targets complete, 2 incomplete/m);
    // The independent branch, SQL then command, was built in full; the failed one wrote nothing.
    expect(rowsOf(p, 'ok_t')).toEqual(aggregate(rawRows(), ALL));
    expect(p.query<{ d: string }>('SELECT d FROM cmd_t ORDER BY d').map((r) => r.d)).toEqual(ALL);
    expect(tables(p)).toEqual(['cmd_t', 'ok_t', 'raw']);
    expect(new Set(p.invocations().map((l) => l.split(' ')[0]))).toEqual(new Set(['cmd']));
  });
});

/** Where a process's main thread sleeps: SQLite's busy handler waits in nanosleep. */
const wchan = (pid: number): string | undefined => {
  try {
    return fs.readFileSync(`/proc/${pid}/wchan`, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Holds the warehouse's write lock (with an uncommitted row in raw) while bftask runs a SQL step,
 * and waits until that step's writer process is waiting for the lock, or gone.
 */
async function lockedDuringWrite(p: Project, onTestFinished: (fn: () => void) => void) {
  const db = new Database(path.join(p.dir, 'data', 'warehouse.db'));
  db.prepare('BEGIN IMMEDIATE').run();
  db.prepare("INSERT INTO raw VALUES ('2024-01-02', 7777)").run();
  const run = p.spawn([]);
  // Whatever happens, let go of the lock (closing rolls back) and of the run.
  onTestFinished(() => {
    if (db.open) db.close();
    if (!hasExited(run)) run.kill('SIGKILL');
  });
  let writer: number | undefined;
  await waitFor('the SQL writer process to start', () => {
    writer = run.pid === undefined ? undefined : descendants(run.pid).find((pid) => commandLine(pid).includes('sqlite-write'));
    return writer !== undefined || hasExited(run);
  });
  if (writer === undefined) {
    const result = await run;
    expect.fail(`bftask ended while the lock was held, before its SQL writer was seen:\n${String(result.stdout)}${String(result.stderr)}`);
  }
  const pid = writer as number;
  const seen = Date.now();
  // Sleeping in SQLite's busy handler (hrtimer_nanosleep) means it reached the lock. Where the
  // kernel does not say (wchan "0"), two seconds is far more than opening a file takes.
  await waitFor('the writer to wait for the lock, or give up', () => {
    if (!isAlive(pid)) return true;
    const where = wchan(pid);
    if (where === undefined || where === '0') return Date.now() - seen > 2_000;
    return where.includes('nanosleep');
  });
  return { db, run, writer: pid };
}

describe.concurrent('the SQL writer on SQLite', () => {
  it('waits for a write lock held elsewhere (BEGIN IMMEDIATE), then reads and writes inside its own transaction', async ({ onTestFinished }) => {
    const p = project(`{ agg: { table: 'agg_t', dateColumn: 'd', sql: '${AGG_SQL}' } }`);
    // The table exists and holds a date, so the transaction's first statement only reads: a
    // deferred BEGIN would then fail at once ("database is locked") instead of waiting.
    p.exec('CREATE TABLE agg_t (d TEXT, total INTEGER, n INTEGER)');
    p.exec("INSERT INTO agg_t VALUES ('2024-01-10', -10, -10)");
    const { db, run, writer } = await lockedDuringWrite(p, onTestFinished);
    expect(isAlive(writer), 'the writer still waiting while the lock is held').toBe(true);
    db.prepare('COMMIT').run();
    db.close();

    const result = await run;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(0);
    // It read raw after taking the lock: the row committed meanwhile is in 2024-01-02's sum.
    const rows = [...rawRows(), { d: '2024-01-02', v: 7777 }];
    expect(rowsOf(p, 'agg_t')).toEqual([...aggregate(rows, ALL.slice(0, -1)), { d: '2024-01-10', total: -10, n: -10 }]);
  });

  it('runs as a child process: Ctrl-C while it waits for the lock kills it and exits 130, nothing written', async ({ onTestFinished }) => {
    const p = project(`{ agg: { table: 'agg_t', dateColumn: 'd', sql: '${AGG_SQL}' } }`);
    const { db, run, writer } = await lockedDuringWrite(p, onTestFinished);
    expect(isAlive(writer)).toBe(true);
    // bftask's own event loop is free while the write waits, so it answers the signal.
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(130);
    await waitFor(`writer ${writer} to be gone`, () => !isAlive(writer));
    db.prepare('ROLLBACK').run();
    db.close();
    expect(tables(p)).toEqual(['raw']);
    // A re-run resumes: every date is still missing and is written now.
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rowsOf(p, 'agg_t')).toEqual(aggregate(rawRows(), ALL));
  });
});
