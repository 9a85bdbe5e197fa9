// bftask killed at any moment: kill -9 (no chance to clean up) and Ctrl-C, each followed by a
// plain re-run, end with every date built exactly once and nothing of the dead run running.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { commandLine, days, descendants, hasExited, isAlive, projectMaker, waitFor } from './util.js';

const RANGE = ['2024-01-01', '2024-01-04'] as const;
const ALL = days(...RANGE);
const project = projectMaker();

const config = (sleep: number) =>
  configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--sleep', '${sleep}'), shard: 1 },
    b: { table: 'b_t', dateColumn: 'd', deps: [{ target: 'a', lookback: 1 }], run: proc('b_t', '--sleep', '${sleep}'), shard: 1 },
  }`, { range: [...RANGE] });

/** Rows per date: exactly one for every date, and no other date. */
function expectBuiltOnce(expect: (v: unknown, m?: string) => { toEqual(x: unknown): void }, p: Project): void {
  for (const table of ['a_t', 'b_t']) {
    const counts = p.query<{ d: string; n: number }>(`SELECT d, count(*) AS n FROM ${table} GROUP BY d ORDER BY d`);
    expect(counts, table).toEqual(ALL.map((d) => ({ d, n: 1 })));
  }
}

interface Attempt {
  outcome: string;
  pid: number | null;
  started: string;
}

async function runDetail(p: Project, id: string): Promise<{ run: { outcome: string; ended: string | null }; attempts: Attempt[] }> {
  const result = await p.bftask(['runs', id, '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { run: { outcome: string; ended: string | null }; attempts: Attempt[] };
}

const runIdOf = (stdout: string) => /^\S+ \S+ run (\S+):/m.exec(stdout)?.[1];

describe.concurrent('crashes', () => {
  // events.log lines written before the kill: 0 is right after bftask starts; the run has
  // 8 steps, so 16 start/end lines in all.
  it.for([0, 1, 2, 3, 5, 7, 9, 11, 13, 15])('kill -9 after %i processor events, then a plain re-run: every date exactly once', async (moment, { expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(150) });
    const run = p.spawn([]);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    await waitFor(`${moment} events`, () => p.events().length >= moment || run.exitCode !== undefined, 30_000);
    run.kill('SIGKILL');
    await run.catch(() => undefined);
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expectBuiltOnce(expect, p);
    const pids = p.events().map((e) => e.pid);
    await waitFor('no processor of either run alive', () => !pids.some(isAlive));
  });

  it('kill -9 while steps run long: the next run kills them, records them as orphaned and the run as crashed, and completes', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(60_000).replaceAll("'--sleep'", "'--grandchild', '--sleep'") });
    const run = p.spawn([]);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    let out = '';
    run.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor('four steps with their children', () => p.events().filter((e) => e.event === 'child').length >= 4, 30_000);
    run.kill('SIGKILL');
    await run.catch(() => undefined);
    const dead = runIdOf(out);
    expect(dead, out).toBeDefined();
    const left = p.events().map((e) => e.pid);
    expect(left.filter(isAlive).length).toBeGreaterThanOrEqual(4);

    p.write('backfill.config.ts', config(0));
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(new RegExp(`^bftask: a: run ${dead} \\(pid ${run.pid}\\) died during 4 steps: killed 4 steps it left running; recorded as orphaned$`, 'm'));
    await waitFor('the dead run\'s processes to be gone', () => !left.some(isAlive));
    expectBuiltOnce(expect, p);
    const detail = await runDetail(p, dead as string);
    expect(detail.run.outcome).toBe('crashed');
    expect(detail.attempts.map((a) => a.outcome)).toEqual(['orphaned', 'orphaned', 'orphaned', 'orphaned']);
    expect(detail.attempts.every((a) => a.pid !== null)).toBe(true);
    // It ended, as far as anyone knows, when its last step started: not when the re-run found it dead.
    expect(detail.run.ended).toBe(detail.attempts.map((a) => a.started).sort().at(-1));
    const list = await p.bftask(['runs']);
    expect(list.stdout).toMatch(new RegExp(`^  ${dead} .* ≥ \\S+ +crashed `, 'm'));
  });

  it('Ctrl-C with steps that spawn grandchildren: exit 130, nothing left, attempts recorded as interrupted, a re-run completes', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(60_000).replaceAll("'--sleep'", "'--grandchild', '--sleep'") });
    const run = p.spawn([]);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    await waitFor('four steps with their children', () => p.events().filter((e) => e.event === 'child').length >= 4, 30_000);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    const pids = p.events().map((e) => e.pid);
    await waitFor('every process of the run to be gone', () => !pids.some(isAlive));
    const id = runIdOf(String(result.stdout));
    const detail = await runDetail(p, id as string);
    expect(detail.run.outcome).toBe('interrupted');
    expect(detail.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'interrupted', 'interrupted', 'interrupted']);

    p.write('backfill.config.ts', config(0));
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.stderr).toBe('');
    expectBuiltOnce(expect, p);
  });

  it('the step launcher killed mid-run: its steps fail and are stopped, later steps start without it, a re-run completes', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config(0).replaceAll("'--sleep', '0'", "'--sleep', '0', '--wait-for', 'release:2024-01-01'") });
    const run = p.spawn(['-j', '2', '--reporter', 'lines']);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    await waitFor('two steps to start', () => p.events().filter((e) => e.event === 'start').length >= 2, 30_000);
    const launcher = descendants(run.pid as number).find((pid) => commandLine(pid).includes('launcher-main'));
    expect(launcher).toBeDefined();
    const first = p.events().map((e) => e.pid);
    process.kill(launcher as number, 'SIGKILL');
    await waitFor('the running steps to be stopped', () => !first.some(isAlive), 30_000);
    // Later steps start, now from bftask itself; let them finish.
    fs.appendFileSync(path.join(p.dir, 'events.log'), `${JSON.stringify({ event: 'start', target: 'release', start: '2024-01-01' })}\n`);
    const result = await run;
    expect(result.exitCode).toBe(1);
    expect(String(result.stdout)).toContain('failed to start: the step launcher exited unexpectedly');
    p.write('backfill.config.ts', config(0));
    const rerun = await p.bftask([]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expectBuiltOnce(expect, p);
  });
});
