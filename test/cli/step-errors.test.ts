// An error while checking one step's output (here: the processor wrote another column than the
// config names) fails that step only: independent work goes on, the summary prints, exit 1, and
// the run still supervises its steps to the end (Ctrl-C after it kills them).
import { describe, it } from 'vitest';
import { configSource, PROCESSOR } from '../rig.js';
import { datesIn, days, hasExited, isAlive, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-06'] as const;
const ALL = days(...RANGE);
const project = projectMaker();

/** `bad` writes its rows into column `wrongcol` while the config reads `d`. */
const config = (slowExtra: string) =>
  configSource(`{
    bad: { table: 'bad_t', dateColumn: 'd', run: ['node', ${JSON.stringify(PROCESSOR)}, '--table', 'bad_t', '--column', 'wrongcol', '--start-date', '{start}', '--end-date', '{end}'], bisect: false },
    after: { table: 'after_t', dateColumn: 'd', deps: ['bad'], run: proc('after_t') },
    slow: { table: 'slow_t', dateColumn: 'd', run: proc('slow_t'${slowExtra}), shard: 2, concurrency: 1 },
  }`, { range: [...RANGE] });

describe.concurrent('an error while checking a step', () => {
  it('fails that step, skips its dependents, lets independent steps finish, prints the summary and exits 1', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config(", '--sleep', '300'") });
    const result = await p.bftask([]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^ {2}bad 2024-01-01\.\.2024-01-06 +ended well, but checking its dates failed: table bad_t in \S+ has no column "d"$/m);
    expect(result.stdout).toContain('skipped because of it: after 6 dates');
    expect(result.stdout).toMatch(/^✖ 1 step failed, 1 target complete, 2 incomplete/m);
    // Every step of the independent target ran to the end, one at a time, after the failure too.
    expect(datesIn(p, 'slow_t')).toEqual(ALL);
    const ends = p.events().filter((e) => e.target === 'slow' && e.event === 'end');
    expect(ends).toHaveLength(ALL.length / 2);
    expect(p.invocations().filter((l) => l.startsWith('after '))).toEqual([]);
  });

  it('after such a failure the run still kills its steps on Ctrl-C (exit 130, nothing left running or writing)', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(", '--sleep', '20000', '--grandchild'") });
    const run = p.spawn([]);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    let out = '';
    run.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor('bad to fail its check', () => /FAIL {2}bad /.test(out), 20_000);
    await waitFor('a slow step to be running', () => p.events().some((e) => e.target === 'slow' && e.event === 'child'));
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, out).toBe(130);
    const pids = p.events().filter((e) => e.target === 'slow' && e.event !== 'end').map((e) => e.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await waitFor(`slow's processes ${pids.join(', ')} to be gone`, () => pids.every((pid) => !isAlive(pid)), 10_000);
    expect(p.events().filter((e) => e.target === 'slow' && e.event === 'end')).toEqual([]);
    expect(p.query("SELECT name FROM sqlite_master WHERE name = 'slow_t'")).toEqual([]);
  });
});
