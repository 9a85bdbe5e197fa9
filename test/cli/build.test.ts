// A first run, a second run, and Make semantics after an upstream date goes missing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, datesIn, days, dryRun, expectedInvocations, newInvocations, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const C_EXCLUDED = ['2024-01-01', '2024-01-02'];
const LOOKBACK = 2;

// a ← b ← d (same date), a ← c (lookback), e on its own; shards make several steps per target.
const CONFIG = configSource(`{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 5 },
  c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'a', lookback: ${LOOKBACK} }], run: proc('c_t'), exclude: (date: string) => ${JSON.stringify(C_EXCLUDED)}.includes(date) },
  d: { table: 'd_t', dateColumn: 'd', deps: ['b'], run: proc('d_t'), shard: 4 },
  e: { table: 'e_t', dateColumn: 'd', run: proc('e_t') },
}`, { range: [...RANGE] });

const EXPECTED: Record<string, string[]> = {
  a: ALL,
  b: ALL,
  c: ALL.filter((d) => !C_EXCLUDED.includes(d)),
  d: ALL,
  e: ALL,
};

const newProject = projectMaker();
const project = (): Project => newProject({ 'backfill.config.ts': CONFIG });

async function built(): Promise<Project> {
  const p = project();
  const result = await p.bftask([]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return p;
}

const runDirs = (p: Project): string[] => {
  const root = path.join(p.dir, '.bftask', 'logs');
  return fs.existsSync(root) ? fs.readdirSync(root) : [];
};

describe.concurrent('bftask build', () => {
  it('first run builds every expected date of every target, exactly as the dry run said', async () => {
    const p = project();
    const plan = await dryRun(p);
    expect([...plan.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(pendingOf(plan)).toEqual(EXPECTED);
    // The human dry run prints the same commands, one line each.
    const text = await p.bftask(['--dry-run']);
    expect(text.code).toBe(0);
    const commands = text.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('node '));
    expect(commands.sort()).toEqual([...plan.values()].flatMap((t) => t.steps.map((s) => s.argv.join(' '))).sort());
    // Neither dry run ran anything.
    expect(p.invocations()).toEqual([]);

    const result = await p.bftask([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stepCount = [...plan.values()].reduce((n, t) => n + t.steps.length, 0);
    const dateCount = [...plan.values()].reduce((n, t) => n + t.pending.length, 0);
    expect(result.stdout).toContain(`✔ ${stepCount} steps, ${dateCount} dates built`);

    expect(p.invocations().sort()).toEqual(expectedInvocations(plan));
    // Each processor got exactly the argv the dry run printed (after `node processor.mjs`).
    const ran = p
      .events()
      .filter((e) => e.event === 'start')
      .map((e) => JSON.stringify(e.argv))
      .sort();
    const planned = [...plan.values()].flatMap((t) => t.steps.map((s) => JSON.stringify(s.argv.slice(2)))).sort();
    expect(ran).toEqual(planned);

    for (const [name, dates] of Object.entries(EXPECTED)) expect(datesIn(p, `${name}_t`), name).toEqual(dates);
  });

  it('a second run executes nothing and says so', async () => {
    const p = await built();
    const logRuns = runDirs(p);
    let result = { code: -1, stdout: '', stderr: '' };
    const added = await newInvocations(p, async () => {
      result = await p.bftask([]);
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('nothing to do');
    expect(added).toEqual([]);
    // No new run folder either: a no-op run leaves no trace.
    expect(runDirs(p)).toEqual(logRuns);
  });

  it('--from and --to narrow the range; a lookback prerequisite is built back as far as --from reads', async () => {
    const p = project();
    const [from, to] = ['2024-01-03', '2024-01-05'];
    const plan = await dryRun(p, ['--from', from, '--to', to]);
    const within = (dates: string[], start = from) => dates.filter((d) => d >= start && d <= to);
    // c reads a over d-LOOKBACK..d, so a is planned from `from` - LOOKBACK (within the config range).
    const planned = (name: string, dates: string[]) => within(dates, name === 'a' ? addDays(from, -LOOKBACK) : from);
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([n, d]) => [n, planned(n, d)]));
    expect(expected.a).toHaveLength(3 + LOOKBACK);
    expect(pendingOf(plan)).toEqual(expected);

    const result = await p.bftask(['--from', from, '--to', to]);
    expect(result.code, result.stdout).toBe(0);
    expect(p.invocations().sort()).toEqual(expectedInvocations(plan));
    for (const [name, dates] of Object.entries(expected)) expect(datesIn(p, `${name}_t`), name).toEqual(dates);
    // status reports the asked range only: complete.
    expect((await p.bftask(['status', '--from', from, '--to', to])).code).toBe(0);
  });

  it.each(['2024-01-05', '2024-01-09'])(
    'deleting %s from the upstream table rebuilds that date downstream and d..d+lookback behind the lookback',
    async (gone) => {
      const p = await built();
      p.exec('DELETE FROM a_t WHERE d = ?', gone);

      const plan = await dryRun(p);
      const behindLookback = days(gone, addDays(gone, LOOKBACK)).filter((d) => EXPECTED.c?.includes(d));
      expect(pendingOf(plan)).toEqual({ a: [gone], b: [gone], c: behindLookback, d: [gone], e: [] });

      let result = { code: -1, stdout: '', stderr: '' };
      const added = await newInvocations(p, async () => {
        result = await p.bftask([]);
      });
      expect(result.code, result.stdout).toBe(0);
      expect(added).toEqual(expectedInvocations(plan));
      // Nothing else: only the targets that read `gone` ran.
      expect(new Set(added.map((l) => l.split(' ')[0]))).toEqual(
        new Set(Object.entries(pendingOf(plan)).filter(([, d]) => d.length > 0).map(([n]) => n)),
      );
      for (const [name, dates] of Object.entries(EXPECTED)) expect(datesIn(p, `${name}_t`), name).toEqual(dates);
    },
  );
});
