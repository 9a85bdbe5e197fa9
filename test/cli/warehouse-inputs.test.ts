// SQLite warehouses as real users leave them: timestamps where dates were expected (pandas,
// DATETIME columns), names in another case, a path that is no database, a file not made yet.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource, ROOT } from '../rig.js';
import { days, dryRun, pendingOf, projectMaker, statusJson } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const PY = path.join(ROOT, 'test', 'fixtures', 'timestamps.py');
const project = projectMaker();

/** stderr as lines, for one-line errors. */
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

describe.concurrent('what the warehouse holds', () => {
  it('a Python processor writing timestamps into a lower-case table builds, checks and reads as complete', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        Events: { table: 'Events', dateColumn: 'Event_Date', shard: 4,
          run: ['python3', ${JSON.stringify(PY)}, '{table}', 'Event_Date', '--start-date', '{start}', '--end-date', '{end}'] },
        after: { table: 'after_t', dateColumn: 'd', deps: ['Events'], run: proc('after_t') },
        // A SQL target over those timestamps writes timestamps too, matched by their date.
        Per_Day: { table: 'per_day', dateColumn: 'EVENT_DATE', deps: ['Events'],
          sql: "SELECT event_date, count(*) AS n FROM events WHERE event_date >= @start AND event_date < date(@end, '+1 day') GROUP BY 1" },
      }`, { range: [...RANGE] }),
    });
    const run = await p.bftask([]);
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    const rows = p.query<{ d: string; n: number }>('SELECT event_date AS d, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
    expect(rows).toEqual(ALL.map((d) => ({ d: `${d} 00:00:00`, n: 2 })));
    const status = await statusJson(p);
    expect(status.code).toBe(0);
    expect(status.targets.get('Events')).toMatchObject({ expected: ALL.length, present: ALL.length, missing: [] });
    expect(pendingOf(await dryRun(p))).toEqual({ Events: [], Per_Day: [], after: [] });
    // Rebuilt, each date's row is replaced, not added to.
    expect((await p.bftask(['--force', 'Per_Day'])).code).toBe(0);
    expect(p.query('SELECT event_date AS d, n FROM per_day ORDER BY 1')).toEqual(ALL.map((d) => ({ d: `${d} 00:00:00`, n: 2 })));
  });

  it('a calendar table of timestamps with gaps gives the calendar its dates', async ({ expect }) => {
    const GAMES = ['2024-01-02', '2024-01-03', '2024-01-06', '2024-01-09'];
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, {
        range: [...RANGE],
        extra: "calendar: { table: 'Schedule', dateColumn: 'game_date' },",
      }),
    });
    p.exec('CREATE TABLE schedule (game_date DATETIME, home TEXT)');
    // Two games on one day, one as ISO 'T' form, and a day outside the range.
    for (const [i, d] of GAMES.entries()) p.exec('INSERT INTO schedule VALUES (?, ?)', i === 1 ? `${d}T19:30:00.000` : `${d} 00:00:00`, 'x');
    p.exec('INSERT INTO schedule VALUES (?, ?)', '2024-01-02 20:00:00', 'y');
    p.exec('INSERT INTO schedule VALUES (?, ?)', '2024-01-11 00:00:00', 'z');
    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ a: GAMES });
    // Consecutive calendar dates form one step across days without games.
    expect(plan.get('a')?.steps.map((s) => [s.start, s.end])).toEqual([['2024-01-02', '2024-01-09']]);
  });

  it('a calendar with no date in the range is an error, never "complete"', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, {
        range: [...RANGE],
        extra: "calendar: { table: 'schedule', dateColumn: 'game_date' },",
      }),
    });
    p.exec('CREATE TABLE schedule (game_date TEXT)');
    p.exec("INSERT INTO schedule VALUES ('2023-06-01')");
    for (const args of [['status'], ['-n'], []]) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        'bftask: calendar: the table schedule (column game_date) has no date in 2024-01-01..2024-01-10: nothing could be expected or built',
      ]);
    }
    expect(p.invocations()).toEqual([]);
  });

  it.for([
    ['text that is not a date', "'2024-01-05x'", '"2024-01-05x"'],
    ['epoch numbers', '1704412800', '1704412800'],
  ] as const)('a date column holding %s is a one-line error naming table, column and value', async ([, value, shown], { expect }) => {
    const p = project({ 'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }) });
    p.exec('CREATE TABLE a_t (d, value INTEGER)');
    p.exec(`INSERT INTO a_t VALUES (${value}, 1)`);
    const result = await p.bftask(['status']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `bftask: table a_t in data/warehouse.db: column "d" holds ${shown}, not a date: write dates as text 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS')`,
    ]);
  });

  it.for([
    ['a text file', (dir: string) => fs.writeFileSync(path.join(dir, 'notdb.txt'), 'hello, I am not a database\n'.repeat(100)), 'warehouse notdb.txt cannot be opened as a SQLite database: file is not a database'],
    ['a folder', (dir: string) => fs.mkdirSync(path.join(dir, 'notdb.txt')), 'warehouse notdb.txt is a folder, not a SQLite database file'],
  ] as const)('a warehouse path that is %s: one line, exit 2, nothing run', async ([, make, message], { expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }).replace(
        "sqlite('data/warehouse.db')",
        "sqlite('notdb.txt')",
      ),
    });
    make(p.dir);
    for (const args of [['status'], ['-n'], []]) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`bftask: ${message}`]);
    }
    expect(p.invocations()).toEqual([]);
    expect(fs.existsSync(path.join(p.dir, '.bftask'))).toBe(false);
  });

  it('a warehouse file that does not exist yet is named in the plan header and the run\'s first line', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }) });
    const NOTICE = 'warehouse data/warehouse.db does not exist yet: it will be created';
    const plan = await p.bftask(['-n']);
    expect(plan.stdout.split('\n').slice(0, 2)).toEqual([`bftask · plan for every target · 2024-01-01..2024-01-10 · warehouse data/warehouse.db`, `  ${NOTICE}`]);
    const run = await p.bftask([]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(NOTICE);
    // Once it exists, nothing more is said.
    expect((await p.bftask(['-n'])).stdout).not.toContain('does not exist');
  });
});
