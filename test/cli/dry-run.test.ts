// The human dry run through the real CLI: -n is --dry-run, and the plan's "why" column says why
// each target is pending (missing dates, --force, or an upstream target about to change).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, days, dryRun, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const LOOKBACK = 1;

// a ← b ← c (c reads b over d-1..d); x and y on their own.
const CONFIG = configSource(`{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 4 },
  c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'b', lookback: ${LOOKBACK} }], run: proc('c_t') },
  x: { table: 'x_t', dateColumn: 'd', run: proc('x_t') },
  y: { table: 'y_t', dateColumn: 'd', run: proc('y_t') },
}`, { range: [...RANGE] });

const newProject = projectMaker();

interface Row {
  readonly table: string;
  readonly expected: number;
  readonly present: number;
  readonly pending: number;
  readonly why: string;
}

/** The plan table of `bftask -n ...args`: target → its row, checked to succeed quietly. */
async function whyTable(p: Project, args: readonly string[] = []): Promise<Map<string, Row>> {
  const result = await p.bftask(['-n', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n');
  const header = lines.findIndex((l) => /^ +target +table +expected +present +pending +why$/.test(l));
  expect(header, result.stdout).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, Row>();
  for (const line of lines.slice(header + 1)) {
    const m = /^ +(\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(.+)$/.exec(line);
    if (!m) break;
    rows.set(m[1] as string, { table: m[2] as string, expected: Number(m[3]), present: Number(m[4]), pending: Number(m[5]), why: m[6] as string });
  }
  expect(rows.size, result.stdout).toBeGreaterThan(0);
  return rows;
}

async function built(): Promise<Project> {
  const p = newProject({ 'backfill.config.ts': CONFIG });
  const result = await p.bftask([]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return p;
}

const remove = (p: Project, table: string, dates: readonly string[]) =>
  p.exec(`DELETE FROM ${table} WHERE d IN (${dates.map(() => '?').join(', ')})`, ...dates);

/** Dates d whose window d-LOOKBACK..d holds one of `changed`. */
const readers = (changed: readonly string[]) => ALL.filter((d) => changed.some((c) => c <= d && d <= addDays(c, LOOKBACK)));

describe.concurrent('the human dry run', () => {
  it('-n prints exactly what --dry-run prints, as text and as JSON, and runs and writes nothing', async () => {
    const p = newProject({ 'backfill.config.ts': CONFIG });
    for (const extra of [[], ['--json'], ['c', '--from', '2024-01-04']]) {
      const long = await p.bftask(['--dry-run', ...extra]);
      const short = await p.bftask(['-n', ...extra]);
      expect(long.code, long.stderr).toBe(0);
      expect(short).toEqual(long);
      expect(short.stdout, extra.join(' ')).toContain('2024-01-');
    }
    expect(p.invocations()).toEqual([]);
    expect(fs.readdirSync(p.dir)).toEqual(['backfill.config.ts']);
  });

  it('says why: "missing" as ranges (or a count past two), "after X n", "complete"', async () => {
    const p = await built();
    const A_GONE = ['2024-01-03', '2024-01-04'];
    const C_GONE = ['2024-01-09'];
    const X_GONE = ['2024-01-01', '2024-01-05'];
    remove(p, 'a_t', A_GONE);
    remove(p, 'c_t', C_GONE);
    remove(p, 'x_t', X_GONE);

    // b reads a on the same date; c reads b on d-1..d, less the date it already misses itself.
    const cAfterB = readers(A_GONE).filter((d) => !C_GONE.includes(d));
    expect(cAfterB).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    const table = await whyTable(p);
    expect(Object.fromEntries(table)).toEqual({
      a: { table: 'a_t', expected: 10, present: 8, pending: 2, why: 'missing 2024-01-03..2024-01-04 (2)' },
      b: { table: 'b_t', expected: 10, present: 10, pending: 2, why: 'after a 2' },
      c: { table: 'c_t', expected: 10, present: 9, pending: 4, why: `missing 2024-01-09 (1) · after b ${cAfterB.length}` },
      x: { table: 'x_t', expected: 10, present: 8, pending: 2, why: 'missing 2024-01-01, 2024-01-05 (2)' },
      y: { table: 'y_t', expected: 10, present: 10, pending: 0, why: 'complete' },
    });
    // The counts agree with the plan itself.
    const plan = await dryRun(p);
    for (const [name, row] of table) expect(row.pending, name).toBe(plan.get(name)?.pending.length);

    // A third gap in x: three ranges are counted, not listed.
    remove(p, 'x_t', ['2024-01-09']);
    expect((await whyTable(p, ['x'])).get('x')?.why).toBe('missing 3 in 3 ranges');
  });

  it('says "forced n" for a --force target and "after X n" for what reads it', async () => {
    const p = await built();
    remove(p, 'c_t', ['2024-01-09']);
    const table = await whyTable(p, ['c', '--force', 'b']);
    expect(Object.fromEntries(table)).toEqual({
      a: { table: 'a_t', expected: 10, present: 10, pending: 0, why: 'complete' },
      b: { table: 'b_t', expected: 10, present: 10, pending: 10, why: `forced ${ALL.length}` },
      // Every date of c reads b; 2024-01-09 is pending anyway, as missing.
      c: { table: 'c_t', expected: 10, present: 9, pending: 10, why: `missing 2024-01-09 (1) · after b ${ALL.length - 1}` },
    });
  });
});
