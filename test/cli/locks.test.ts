// Two bftask processes on one config: overlapping targets are never built twice at once, disjoint
// ones go side by side, --wait waits and re-plans, and a dead holder's lock is taken over.
import os from 'node:os';
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { days, isAlive, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-04'] as const;
const ALL = days(...RANGE);
const project = projectMaker();

const config = (sleep: number) =>
  configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--sleep', '${sleep}', '--grandchild'), shard: 2 },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
    c: { table: 'c_t', dateColumn: 'd', run: proc('c_t') },
  }`, { range: [...RANGE] });

/** Every row of a table, to prove no date was written twice. */
const rows = (p: Project, table: string) => p.query<{ d: string }>(`SELECT d FROM ${table} ORDER BY d`).map((r) => r.d);

describe.concurrent('locks', () => {
  it('a second run over the same targets exits 1 naming the first; after kill -9 of the first, a new run takes the lock over', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(30_000) });
    const first = p.spawn([]);
    onTestFinished(() => {
      if (first.exitCode === undefined) first.kill('SIGKILL');
    });
    await waitFor('the first run to start a step', () => p.events().some((e) => e.event === 'child'), 20_000);

    const second = await p.bftask(['b']);
    expect(second.code, second.stdout).toBe(1);
    const line = new RegExp(
      `^bftask: targets a, b are being built by run \\S+ \\(pid ${first.pid} on host ${os.hostname()}, started \\d\\d:\\d\\d, [\\d.]+s ago\\); wait for it, or pass --wait$`,
    );
    expect(second.stderr.trim()).toMatch(line);
    expect(p.invocations().filter((l) => l.startsWith('b '))).toEqual([]);

    // kill -9: no chance to release its lock or stop its steps.
    first.kill('SIGKILL');
    await first.catch(() => undefined);
    const orphans = p.events().filter((e) => e.event !== 'end').map((e) => e.pid);
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.some(isAlive)).toBe(true);

    p.write('backfill.config.ts', config(0));
    const third = await p.bftask([]);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stderr).toMatch(/^bftask: a: run \S+ \(pid \d+\) died during 2 steps: killed 2 steps it left running; recorded as orphaned$/m);
    expect(third.stderr).toMatch(new RegExp(`^bftask: took over the lock on a, b from run \\S+ \\(pid ${first.pid} on ${os.hostname()}\\), which is no longer running$`, 'm'));
    await waitFor('the dead run\'s steps to be gone', () => !orphans.some(isAlive));
    for (const table of ['a_t', 'b_t', 'c_t']) expect(rows(p, table), table).toEqual(ALL);
  });

  it('runs over disjoint targets proceed side by side', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(3_000) });
    const first = p.spawn(['a']);
    onTestFinished(() => {
      if (first.exitCode === undefined) first.kill('SIGKILL');
    });
    await waitFor('a to start', () => p.events().some((e) => e.target === 'a' && e.event === 'start'), 20_000);
    const second = await p.bftask(['c']);
    expect(second.code, second.stderr).toBe(0);
    expect((await first).exitCode).toBe(0);
    // c was built while a was still building.
    const cEnd = Math.max(...p.events().filter((e) => e.target === 'c' && e.event === 'end').map((e) => e.t));
    const aEnd = Math.max(...p.events().filter((e) => e.target === 'a' && e.event === 'end').map((e) => e.t));
    expect(cEnd).toBeLessThan(aEnd);
  });

  it('--wait waits for the holder, says so once, then re-plans and builds only what is left', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(2_000) });
    const first = p.spawn(['a']);
    onTestFinished(() => {
      if (first.exitCode === undefined) first.kill('SIGKILL');
    });
    await waitFor('a to start', () => p.events().some((e) => e.target === 'a' && e.event === 'start'), 20_000);
    const second = await p.bftask(['b', '--wait']);
    expect((await first).exitCode).toBe(0);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(/target a is being built by run \S+ .*; waiting for it \(--wait\)$/m);
    // a was built once, by the first run; the second built b only.
    expect(p.invocations().filter((l) => l.startsWith('a ')).length).toBe(2);
    expect(rows(p, 'a_t')).toEqual(ALL);
    expect(rows(p, 'b_t')).toEqual(ALL);
  });

  it('six runs started at once over the same target: one builds it, the others are refused or find it done', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config(1_500) });
    const results = await Promise.all(Array.from({ length: 6 }, () => p.bftask(['a'])));
    const codes = results.map((r) => r.code).sort();
    expect(codes.every((c) => c === 0 || c === 1), results.map((r) => r.stderr).join('\n')).toBe(true);
    // Each of a's two steps ran exactly once, whoever ran them.
    expect(p.invocations().sort()).toEqual(['a 2024-01-01 2024-01-02 2', 'a 2024-01-03 2024-01-04 2']);
    expect(rows(p, 'a_t')).toEqual(ALL);
    for (const r of results.filter((x) => x.code === 1)) expect(r.stderr).toMatch(/^bftask: target a is being built by run /);
    expect(results.filter((r) => /steps?, \d+ dates? built/.test(r.stdout))).toHaveLength(1);
  });
});
