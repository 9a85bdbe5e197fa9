// Ctrl-C and SIGTERM mid-run: bftask exits with 130/143/129, takes every step process (and its
// children) down with it, and a re-run finishes the job without duplicating a date. A step that
// ignores SIGTERM gets SIGKILL after the grace period, or at once on a second Ctrl-C.
import { describe, it } from 'vitest';
import { configSource, type ProcessorEvent, type Project } from '../rig.js';
import { datesIn, days, hasExited, isAlive, projectMaker, waitFor, waitForRun } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
/** src/run/spawn.ts: how long a step has after SIGTERM before its group gets SIGKILL. */
const GRACE_MS = 5_000;

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
  ] as const)('%s: exits %i without waiting for the steps, kills their process groups, and a re-run completes (%s)', async ([signal, code, reporter], { expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(", '--sleep', '20000', '--grandchild'") });
    const run = p.spawn(['--reporter', reporter]);
    // If an assertion fails before the signal, stop the run rather than leave 20 s steps behind.
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGTERM');
    });
    // The slow step has started and spawned a grandchild in its process group.
    await waitForRun(run, 'a slow step to start', () => p.events().some((e) => e.event === 'child'));

    run.kill(signal);
    const result = await run;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(code);
    expect(String(result.stdout)).toContain('interrupted');
    // bftask did not wait for the steps: none of them finished its 20 s sleep.
    expect(p.events().filter((e) => e.target === 'b' && e.event === 'end')).toEqual([]);

    const pids = p.events().filter((e) => e.target === 'b' && (e.event === 'start' || e.event === 'child')).map((e) => e.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    // The group got SIGTERM before bftask exited; allow the kernel a moment to finish them off.
    await waitFor(`step processes ${pids.join(', ')} to be gone`, () => pids.every((pid) => !isAlive(pid)));
    // Still none finished: they were killed, not left to run on.
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

/** One step that logs SIGTERM and carries on (ticking every 100 ms) until it is killed. */
const STUBBORN = configSource(`{
  s: { table: 's_t', dateColumn: 'd', run: proc('s_t', '--ignore-term', '--sleep', '60000') },
}`, { range: ['2024-01-01', '2024-01-01'] });

/** Starts the stubborn step, sends one SIGINT, and waits until the step has shrugged it off. */
async function stubbornAfterCtrlC(p: Project, onTestFinished: (fn: () => void) => void) {
  const run = p.spawn([]);
  onTestFinished(() => {
    if (!hasExited(run)) run.kill('SIGKILL');
  });
  await waitForRun(run, 'the step to start', () => p.events().some((e) => e.event === 'start'));
  const pid = (p.events().find((e) => e.event === 'start') as ProcessorEvent).pid;
  run.kill('SIGINT');
  // The step got SIGTERM, ignored it, and is still running after it.
  const termOf = () => p.events().find((e) => e.event === 'term');
  await waitForRun(run, 'the step to log SIGTERM and tick after it', () => p.events().some((e) => e.event === 'tick'));
  const term = termOf() as ProcessorEvent;
  return { run, pid, term };
}

const ticks = (p: Project): ProcessorEvent[] => p.events().filter((e) => e.event === 'tick');

describe.concurrent('a step that ignores SIGTERM', () => {
  it('gets SIGKILL once the grace period is over, and bftask then exits 130', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': STUBBORN });
    const { run, pid, term } = await stubbornAfterCtrlC(p, onTestFinished);
    expect(isAlive(pid)).toBe(true);

    // No second signal: bftask must end the step on its own.
    const result = await run;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(130);
    await waitFor(`step process ${pid} to be gone`, () => !isAlive(pid));
    // It never finished its work: SIGKILL, which it cannot catch, ended it.
    expect(p.events().filter((e) => e.event === 'end')).toEqual([]);
    // It was left to run for the grace period before that (a lower bound: a slow machine only
    // makes the last tick later). Ticks come every 100 ms; allow two seconds for a starved step.
    const last = ticks(p).at(-1) as ProcessorEvent;
    expect(last.t - term.t).toBeGreaterThanOrEqual(GRACE_MS - 2_000);
  });

  it('is killed at once by a second Ctrl-C, well inside the grace period', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': STUBBORN });
    const { run, pid, term } = await stubbornAfterCtrlC(p, onTestFinished);
    expect(isAlive(pid)).toBe(true);

    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(130);
    await waitFor(`step process ${pid} to be gone`, () => !isAlive(pid));
    expect(p.events().filter((e) => e.event === 'end')).toEqual([]);
    // Only the step's own clock, against the grace period it would otherwise have had: had the
    // second Ctrl-C not killed it, it would have ticked on until GRACE_MS after SIGTERM.
    const last = ticks(p).at(-1) as ProcessorEvent;
    expect(last.t - term.t).toBeLessThan(GRACE_MS - 1_000);
  });
});
