// Make-like freshness across runs: a present date whose inputs were rebuilt after it is stale,
// stale dates carry downstream like missing ones, and `bftask why` says why, down to the root.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, days, dryRun, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-31'] as const;
const project = projectMaker();
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

/** d reads c, which reads a with a 2-day lookback; b is beside them and reads a on the same date. */
const chain = (extra = '') =>
  configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), exclude: ['2024-01-11'] },
    c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'a', lookback: 2 }], run: proc('c_t'), shard: 7 },
    d: { table: 'd_t', dateColumn: 'd', deps: ['c'], run: proc('d_t'), shard: 7 },
  }`, { range: [...RANGE], extra });

const FORCED = days('2024-01-10', '2024-01-12');
/** The dates of c (and so d) that read a forced date: each forced date d and the 2 days after it. */
const READERS = [...new Set(FORCED.flatMap((d) => [d, addDays(d, 1), addDays(d, 2)]))].sort();

/** A built chain whose a was then rebuilt alone for FORCED. */
async function rebuiltUpstream(extra = ''): Promise<Project> {
  const p = project({ 'backfill.config.ts': chain(extra) });
  const built = await p.bftask(['d', 'b']);
  if (built.code !== 0) throw new Error(built.stdout);
  const forced = await p.bftask(['a', '--force', 'a', '--from', FORCED[0]!, '--to', FORCED[2]!]);
  if (forced.code !== 0) throw new Error(forced.stdout);
  return p;
}

describe.concurrent('freshness', () => {
  it('after forcing part of an upstream alone, exactly the dates built from it are stale; a run rebuilds them; then nothing', async ({ expect }) => {
    const p = await rebuiltUpstream();
    const plan = await dryRun(p, ['d', 'b']);
    expect(pendingOf(plan)).toEqual({ a: [], b: FORCED.filter((x) => x !== '2024-01-11'), c: READERS, d: READERS });
    const json = JSON.parse((await p.bftask(['d', '-n', '--json'])).stdout) as { targets: { name: string; reasons: Record<string, string> }[] };
    const reasons = Object.fromEntries(json.targets.map((t) => [t.name, t.reasons]));
    expect(reasons.c).toEqual(Object.fromEntries(READERS.map((x) => [x, 'stale'])));
    expect(reasons.d).toEqual(Object.fromEntries(READERS.map((x) => [x, 'upstream'])));
    const text = await p.bftask(['d', 'b', '-n']);
    expect(text.stdout).toMatch(/^ {2}c +c_t +31 +31 +5 +stale 5$/m);
    expect(text.stdout).toMatch(/^ {2}d +d_t +31 +31 +5 +after c 5$/m);

    const before = p.invocations().length;
    const run = await p.bftask(['d', 'b']);
    expect(run.code, run.stdout).toBe(0);
    expect(p.invocations().slice(before).sort()).toEqual(['b 2024-01-10 2024-01-10 1', 'b 2024-01-12 2024-01-12 1', 'c 2024-01-10 2024-01-14 5', 'd 2024-01-10 2024-01-14 5']);
    expect(pendingOf(await dryRun(p, ['d', 'b']))).toEqual({ a: [], b: [], c: [], d: [] });
  });

  it('--no-stale and freshness: presence plan from presence alone', async ({ expect }) => {
    const p = await rebuiltUpstream();
    expect(pendingOf(await dryRun(p, ['d', '--no-stale']))).toEqual({ a: [], c: [], d: [] });
    p.exec('DELETE FROM c_t WHERE d = ?', '2024-01-25');
    const shown = await p.bftask(['d', '-n', '--no-stale']);
    expect(shown.stdout).toContain('run it: bftask d --no-stale');
    expect(pendingOf(await dryRun(p, ['d', '--no-stale']))).toEqual({ a: [], c: ['2024-01-25'], d: ['2024-01-25'] });
    p.write('backfill.config.ts', chain("freshness: 'presence',"));
    expect(pendingOf(await dryRun(p, ['d']))).toEqual({ a: [], c: ['2024-01-25'], d: ['2024-01-25'] });
    p.write('backfill.config.ts', chain("freshness: 'newest',"));
    const bad = await p.bftask(['d', '-n']);
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([`bftask: backfill.config.ts: freshness: must be 'timestamps' or 'presence', got "newest"`]);
  });

  it('why: stale and upstream chains, missing, forced, up to date and excluded, in text and JSON', async ({ expect }) => {
    const p = await rebuiltUpstream();
    p.exec('DELETE FROM a_t WHERE d = ?', '2024-01-20');
    const text = await p.bftask(['why', 'd']);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';
    expect(lines[0]).toBe('d 2024-01-10 pending: upstream c 2024-01-10 is stale');
    expect(lines[1]).toMatch(new RegExp(`^ {2}c 2024-01-10 stale: a 2024-01-10 built ${time}, after c 2024-01-10 built ${time}$`));
    // 2024-01-20 of a is missing: c reads it for 01-20..01-22, so d does too.
    expect(lines).toContain('d 2024-01-20 pending: upstream c 2024-01-20 is pending');
    expect(lines).toContain('  c 2024-01-20 pending: upstream a 2024-01-20 is missing');
    expect(lines).toContain('    a 2024-01-20 missing from a_t');
    expect(lines.filter((l) => /^d /.test(l)).map((l) => l.split(' ')[1])).toEqual([...READERS, ...days('2024-01-20', '2024-01-22')]);

    const forced = await p.bftask(['why', 'c', '--date', '2024-01-05', '--force', 'a']);
    expect(forced.stdout.split('\n')).toEqual(['c 2024-01-05 pending: upstream a 2024-01-05 is forced', '  a 2024-01-05 forced (--force a)']);
    const fresh = await p.bftask(['why', 'd', '--date', '2024-01-25']);
    expect(fresh.stdout).toMatch(new RegExp(`^d 2024-01-25 up to date: present, built ${time}, after all its inputs$`));
    const excluded = await p.bftask(['why', 'b', '--date', '2024-01-11']);
    expect(excluded.stdout.trim()).toBe("b 2024-01-11 excluded: never expected (the target's exclude)");

    const json = JSON.parse((await p.bftask(['why', 'd', '--date', '2024-01-12', '--json'])).stdout) as { target: string; dates: Record<string, unknown>[] };
    expect(json.target).toBe('d');
    const [entry] = json.dates as { status: string; reason: string; input: { target: string; date: string }; because: { reason: string; built: string; input: { target: string; date: string; built: string } } }[];
    expect(entry).toMatchObject({ status: 'pending', reason: 'upstream', input: { target: 'c', date: '2024-01-12' }, because: { reason: 'stale' } });
    expect(FORCED).toContain(entry?.because.input.date);
    expect(Date.parse(entry?.because.input.built as string)).toBeGreaterThan(Date.parse(entry?.because.built as string));
  });

  it('why: an unknown target, a date outside the calendar, no target: one line, exit 2', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': chain() });
    for (const [args, message] of [
      [['why', 'cc'], 'unknown target "cc" — did you mean "c"?'],
      [['why', 'c', '--date', '2024-02-10'], '--date 2024-02-10 is not a date of the calendar in 2024-01-01..2024-01-31'],
      [['why', 'c', '--date', '2024-2-10'], '--date 2024-2-10 is not a date: use YYYY-MM-DD'],
      [['why'], 'why takes one target: bftask why TARGET [--date YYYY-MM-DD]'],
      [['c', '--date', '2024-01-10'], 'build does not take --date'],
    ] as const) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`bftask: ${message}`]);
    }
  });

  it('files targets: a file touched after the files built from it makes them stale', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        raw: { files: 'out/raw/{date}.json', run: proc('raw', '--file', '{table}') },
        feat: { files: 'out/feat/{date}.json', deps: [{ target: 'raw', lookback: 1 }], run: proc('feat', '--file', '{table}') },
      }`, { range: ['2024-01-01', '2024-01-06'] }),
    });
    expect((await p.bftask([])).code).toBe(0);
    // A person rewrites one raw file by hand: bftask's ledger knows nothing of it.
    const now = new Date();
    fs.utimesSync(path.join(p.dir, 'out/raw/2024-01-03.json'), now, now);
    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ raw: [], feat: ['2024-01-03', '2024-01-04'] });
    expect((await p.bftask([])).code).toBe(0);
    expect(pendingOf(await dryRun(p))).toEqual({ raw: [], feat: [] });
  });
});
