// Two bftask processes on one config: overlapping targets are never built twice at once, disjoint
// ones go side by side, --wait waits and re-plans, and a dead holder's lock is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { days, hasExited, isAlive, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-04'] as const;
const ALL = days(...RANGE);
const project = projectMaker();

const config = (sleep: number, extra = '') =>
  configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--sleep', '${sleep}', '--grandchild'${extra ? `, ${extra}` : ''}), shard: 2 },
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
      if (!hasExited(first)) first.kill('SIGKILL');
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
    // a's steps wait until c's step has started: only a second run building c beside the first
    // lets the first finish (a wait that is never met fails the step after 45 s).
    const p = project({ 'backfill.config.ts': config(0, "'--wait-for', 'c:2024-01-01'") });
    const first = p.spawn(['a']);
    onTestFinished(() => {
      if (!hasExited(first)) first.kill('SIGKILL');
    });
    await waitFor('a to start', () => p.events().some((e) => e.target === 'a' && e.event === 'start'), 60_000);
    const second = await p.bftask(['c']);
    expect(second.code, second.stderr).toBe(0);
    const done = await first;
    expect(done.exitCode, String(done.stdout)).toBe(0);
    expect(rows(p, 'a_t')).toEqual(ALL);
    expect(rows(p, 'c_t')).toEqual(ALL);
  });

  it('--wait waits for the holder, says so once, then re-plans and builds only what is left', async ({ expect, onTestFinished }) => {
    // a's steps wait for a 'release' line the test writes once the second run says it waits.
    const p = project({ 'backfill.config.ts': config(0, "'--wait-for', 'release:2024-01-01'") });
    const first = p.spawn(['a']);
    onTestFinished(() => {
      if (!hasExited(first)) first.kill('SIGKILL');
    });
    await waitFor('a to start', () => p.events().some((e) => e.target === 'a' && e.event === 'start'), 60_000);
    const second = p.spawn(['b', '--wait']);
    onTestFinished(() => {
      if (!hasExited(second)) second.kill('SIGKILL');
    });
    let said = '';
    second.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await waitFor('the second run to say it waits', () => said.includes('waiting for it'), 60_000);
    fs.appendFileSync(path.join(p.dir, 'events.log'), `${JSON.stringify({ event: 'start', target: 'release', start: '2024-01-01' })}\n`);
    expect((await first).exitCode).toBe(0);
    const result = await second;
    expect(result.exitCode, String(result.stdout) + said).toBe(0);
    expect(said.trim().split('\n')).toHaveLength(1);
    expect(said).toMatch(/target a is being built by run \S+ .*; waiting for it \(--wait\)$/m);
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
