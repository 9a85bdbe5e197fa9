// Ctrl-C and SIGTERM mid-run: bftask exits promptly with 130/143, takes every step process
// (and its children) down with it, and a re-run finishes the job without duplicating a date.
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { datesIn, days, isAlive, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);

const config = (slowExtra: string) =>
  configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'${slowExtra}), shard: 5 },
  }`, { range: [...RANGE] });

const project = projectMaker();

describe.concurrent('interrupting a run', () => {
  it.for([
    ['SIGINT', 130, 'lines'],
    ['SIGTERM', 143, 'lines'],
    ['SIGHUP', 129, 'lines'],
    // listr2 installs its own SIGINT handler that exits 127 unless told not to.
    ['SIGINT', 130, 'listr'],
  ] as const)('%s: exits %i within seconds, kills the step process groups, and a re-run completes (%s)', async ([signal, code, reporter], { expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(", '--sleep', '20000', '--grandchild'") });
    const run = p.spawn(['--reporter', reporter]);
    // If an assertion fails before the signal, stop the run rather than leave 20 s steps behind.
    onTestFinished(() => {
      if (run.exitCode === undefined) run.kill('SIGTERM');
    });
    // The slow step has started and spawned a grandchild in its process group.
    await waitFor('a slow step to start', () => p.events().some((e) => e.event === 'child'));

    const sent = Date.now();
    run.kill(signal);
    const result = await run;
    const took = Date.now() - sent;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(code);
    expect(took).toBeLessThan(4000);
    expect(String(result.stdout)).toContain('interrupted');

    const pids = p.events().filter((e) => e.target === 'b' && (e.event === 'start' || e.event === 'child')).map((e) => e.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    // The group got SIGTERM before bftask exited; allow the kernel a moment to finish them off.
    await waitFor(`step processes ${pids.join(', ')} to be gone`, () => pids.every((pid) => !isAlive(pid)), 1000);
    // None of the slow steps finished.
    expect(p.events().filter((e) => e.target === 'b' && e.event === 'end')).toEqual([]);

    p.write('backfill.config.ts', config(''));
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout).toBe(0);
    // a was complete before the interruption and was not run again.
    expect(p.invocations().filter((l) => l.startsWith('a '))).toHaveLength(1);
    for (const table of ['a_t', 'b_t']) {
      const [counts] = p.query<{ n: number; uniq: number }>(`SELECT COUNT(*) AS n, COUNT(DISTINCT d) AS uniq FROM ${table}`);
      expect(counts, table).toEqual({ n: ALL.length, uniq: ALL.length });
      expect(datesIn(p, table)).toEqual(ALL);
    }
  });
});
