// A calendar read from a warehouse table (`calendar: { table, dateColumn }`) on SQLite: only its
// dates in the range are expected, steps are runs of consecutive calendar dates (a day without
// games does not split one), and lookbacks count calendar days across the gaps.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, datesIn, days, dryRun, expectedInvocations, expectedSteps, newInvocations, pendingOf, projectMaker, statusJson } from './util.js';

const RANGE = ['2024-01-01', '2024-01-14'] as const;
/** Game dates in the range: 03, 07, 08, 11 and 14 have no games. */
const GAMES = ['2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-09', '2024-01-10', '2024-01-12', '2024-01-13'];
/** Games outside the range, which the calendar must not bring in. */
const OUTSIDE = ['2023-12-30', '2024-01-20'];
const SHARD = 3;
const LOOKBACK = 2;

const CONFIG = configSource(`{
  g: { table: 'g_t', dateColumn: 'd', run: proc('g_t'), shard: ${SHARD} },
  h: { table: 'h_t', dateColumn: 'd', deps: [{ target: 'g', lookback: ${LOOKBACK} }], run: proc('h_t'), shard: 100 },
}`, { range: [...RANGE], extra: "calendar: { table: 'schedule', dateColumn: 'game_date' }," });

const newProject = projectMaker();

/** A project whose warehouse holds the schedule: one row per game, two games on some dates. */
function project(): Project {
  const p = newProject({ 'backfill.config.ts': CONFIG });
  p.exec('CREATE TABLE schedule (game_id INTEGER PRIMARY KEY, game_date TEXT NOT NULL)');
  for (const [i, d] of [...GAMES, ...OUTSIDE].entries()) {
    p.exec('INSERT INTO schedule (game_date) VALUES (?)', d);
    if (i % 2 === 0) p.exec('INSERT INTO schedule (game_date) VALUES (?)', d);
  }
  return p;
}

async function built(): Promise<Project> {
  const p = project();
  const result = await p.bftask([]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return p;
}

/** Runs bftask and returns the steps it ran, checking that it succeeded. */
async function run(p: Project): Promise<string[]> {
  return newInvocations(p, async () => {
    const result = await p.bftask([]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
}

/** Calendar dates d whose lookback window d-LOOKBACK..d (in calendar days) holds one of `changed`. */
const readers = (calendar: readonly string[], changed: readonly string[]) =>
  calendar.filter((d) => changed.some((c) => c <= d && d <= addDays(c, LOOKBACK)));

describe.concurrent('a calendar read from a table', () => {
  it("plans the table's distinct dates in the range, in steps that run across days without games", async () => {
    const p = project();
    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ g: GAMES, h: GAMES });
    const stepsOf = (name: string) => plan.get(name)?.steps.map(({ start, end }) => ({ start, end }));
    expect(stepsOf('g')).toEqual(expectedSteps(GAMES, new Set(GAMES), SHARD));
    // Spelled out once: 03 and 07..08 lie inside steps, not between them.
    expect(stepsOf('g')).toEqual([
      { start: '2024-01-01', end: '2024-01-04' },
      { start: '2024-01-05', end: '2024-01-09' },
      { start: '2024-01-10', end: '2024-01-13' },
    ]);
    expect(stepsOf('h')).toEqual([{ start: GAMES[0], end: GAMES.at(-1) }]);

    const added = await run(p);
    // The last field is how many dates BFTASK_DATES held: game dates only, never every day.
    expect(added).toEqual(expectedInvocations(plan));
    expect(added).toContain(`g 2024-01-01 2024-01-04 ${SHARD}`);
    expect(datesIn(p, 'g_t')).toEqual(GAMES);
    expect(datesIn(p, 'h_t')).toEqual(GAMES);

    const status = await statusJson(p);
    expect(status.code).toBe(0);
    expect([...status.targets.values()].map((t) => [t.name, t.expected, t.present])).toEqual([
      ['g', GAMES.length, GAMES.length],
      ['h', GAMES.length, GAMES.length],
    ]);
  });

  it('never expects a date outside the calendar: a row on one counts for nothing, its loss makes nothing pending', async () => {
    const p = await built();
    const NO_GAMES = days(...RANGE).filter((d) => !GAMES.includes(d));
    expect(NO_GAMES).toHaveLength(5);
    for (const d of NO_GAMES) p.exec('INSERT INTO g_t (d, value) VALUES (?, 1)', d);
    let status = await statusJson(p);
    expect(status.code).toBe(0);
    expect(status.targets.get('g')).toMatchObject({ expected: GAMES.length, present: GAMES.length, missing: [] });
    p.exec(`DELETE FROM g_t WHERE d IN (${NO_GAMES.map(() => '?').join(', ')})`, ...NO_GAMES);
    expect(pendingOf(await dryRun(p))).toEqual({ g: [], h: [] });

    // A lost game date, by contrast, is pending, and so is every reader of it across the gaps.
    const LOST = ['2024-01-05', '2024-01-10'];
    p.exec('DELETE FROM g_t WHERE d IN (?, ?)', ...LOST);
    status = await statusJson(p);
    expect(status.code).toBe(1);
    expect(status.targets.get('g')?.missing).toEqual(LOST);
    const plan = await dryRun(p);
    const hPending = readers(GAMES, LOST);
    // 05 is read by 05 and 06 (07 has no games); 10 by 10 and 12 (11 has none).
    expect(hPending).toEqual(['2024-01-05', '2024-01-06', '2024-01-10', '2024-01-12']);
    expect(pendingOf(plan)).toEqual({ g: LOST, h: hPending });
    // 09 is present, so h's pending dates make two steps; 10..12 is one step across 11.
    expect(plan.get('h')?.steps.map((s) => `${s.start}..${s.end}`)).toEqual(['2024-01-05..2024-01-06', '2024-01-10..2024-01-12']);
    expect(await run(p)).toEqual(expectedInvocations(plan));
    expect(datesIn(p, 'g_t')).toEqual(GAMES);
  });

  it('follows the table: a game date added is planned with its readers, one removed is no longer expected', async () => {
    const p = await built();
    const ADDED = '2024-01-03';
    const REMOVED = '2024-01-13';
    p.exec('INSERT INTO schedule (game_date) VALUES (?)', ADDED);
    p.exec('DELETE FROM schedule WHERE game_date = ?', REMOVED);
    const calendar = [...GAMES.filter((d) => d !== REMOVED), ADDED].sort();

    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ g: [ADDED], h: readers(calendar, [ADDED]) });
    expect(plan.get('h')?.pending).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect(await run(p)).toEqual(expectedInvocations(plan));

    const status = await statusJson(p);
    expect(status.code).toBe(0);
    // The row already written for the removed date is still there, but no longer expected.
    expect(datesIn(p, 'g_t')).toEqual([...calendar, REMOVED].sort());
    expect(status.targets.get('g')).toMatchObject({ expected: calendar.length, present: calendar.length, missing: [] });
  });

  it('a calendar table that does not exist stops bftask before anything runs: exit 2, one line', async () => {
    const p = newProject({ 'backfill.config.ts': CONFIG });
    // No warehouse file at all (status and --dry-run create none), then a file without the table.
    for (const args of [['--dry-run'], ['status']]) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe('bftask: calendar.table: no table "schedule" in data/warehouse.db (the file does not exist yet)');
    }
    p.exec('CREATE TABLE other (d TEXT)');
    const result = await p.bftask([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('bftask: calendar.table: no table "schedule" in data/warehouse.db');
    expect(p.invocations()).toEqual([]);
    expect(fs.existsSync(path.join(p.dir, '.bftask'))).toBe(false);
  });
});
