// Failures a long backfill meets: transient ones (retried), one bad date inside a long step
// (bisected down to it), a step that hangs (timed out), and --fail-fast; and what the ledger
// says of each (bftask runs ID --json).
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { datesIn, days, isAlive, projectMaker, waitFor } from './util.js';

const project = projectMaker();
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

interface Attempt {
  target: string;
  start: string;
  end: string;
  dates: string[];
  attempt: number;
  outcome: string;
  next: string | null;
  message: string | null;
  log: string | null;
  started: string;
  ended: string | null;
}

/** The newest run's id and attempts, from `bftask runs` and `bftask runs ID --json`. */
async function lastRun(p: Project): Promise<{ id: string; outcome: string; attempts: Attempt[] }> {
  const list = await p.bftask(['runs', '--json']);
  if (list.code !== 0) throw new Error(list.stderr);
  const [run] = (JSON.parse(list.stdout) as { runs: { id: string; outcome: string }[] }).runs;
  if (!run) throw new Error('no runs');
  const detail = await p.bftask(['runs', run.id, '--json']);
  if (detail.code !== 0) throw new Error(detail.stderr);
  return { ...run, attempts: (JSON.parse(detail.stdout) as { attempts: Attempt[] }).attempts };
}

describe.concurrent('retries, bisection, timeouts', () => {
  it('a step that fails twice then succeeds, with retries: 2, succeeds on attempt 3, each attempt with its own log', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-times', '2'), retries: 2, retryDelay: '50ms' },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
      }`, { range: ['2024-01-01', '2024-01-04'] }),
    });
    const result = await p.bftask([]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('a 2024-01-01..2024-01-04 succeeded on attempt 3');
    expect(result.stdout).toMatch(/FAIL {2}a 2024-01-01\.\.2024-01-04 \(4 dates\): exited with code 4 · log \S+ · retry in 0\.1s/);
    expect(datesIn(p, 'b_t')).toEqual(days('2024-01-01', '2024-01-04'));
    const run = await lastRun(p);
    expect(run.outcome).toBe('succeeded');
    expect(run.attempts.filter((a) => a.target === 'a').map((a) => [a.attempt, a.outcome, a.next])).toEqual([
      [1, 'failed', 'retry'],
      [2, 'failed', 'retry'],
      [3, 'succeeded', null],
    ]);
    const logs = run.attempts.filter((a) => a.target === 'a').map((a) => path.basename(a.log ?? ''));
    expect(logs).toEqual(['2024-01-01_2024-01-04.log', '2024-01-01_2024-01-04.attempt2.log', '2024-01-01_2024-01-04.attempt3.log']);
    for (const a of run.attempts) expect(fs.existsSync(a.log ?? ''), a.log ?? '').toBe(true);
  });

  it('a 16-date step in which one date always fails ends with 15 dates built and that date named', async ({ expect }) => {
    const BAD = '2024-01-11';
    const ALL = days('2024-01-01', '2024-01-16');
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '${BAD}') },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
      }`, { range: [ALL[0]!, ALL[15]!] }),
    });
    const result = await p.bftask([]);
    expect(result.code, result.stdout).toBe(1);
    expect(datesIn(p, 'a_t')).toEqual(ALL.filter((d) => d !== BAD));
    // Only b's date that reads the bad one is held back.
    expect(datesIn(p, 'b_t')).toEqual(ALL.filter((d) => d !== BAD));
    expect(result.stdout).toMatch(new RegExp(`^✖ 1 step failed, 0 targets complete, 2 incomplete`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^ {2}a ${BAD} +exited with code 3$`, 'm'));
    expect(result.stdout).toContain(`skipped because of it: b 1 date`);
    const run = await lastRun(p);
    const failed = run.attempts.filter((a) => a.outcome === 'failed' && a.next === null);
    expect(failed.map((a) => a.dates)).toEqual([[BAD]]);
    // Halving 16 dates down to one: 16, 8, 4, 2 and 1 dates failed on the way (the last final).
    expect(run.attempts.filter((a) => a.outcome === 'failed').map((a) => a.dates.length)).toEqual([16, 8, 4, 2, 1]);
    expect(run.attempts.filter((a) => a.outcome === 'skipped').map((a) => [a.target, a.dates])).toEqual([['b', [BAD]]]);
  });

  it('a step whose every date fails is bisected to single dates and summed up in one line', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--exit', '3') },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
      }`, { range: ['2024-01-01', '2024-01-04'] }),
    });
    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✖ 1 step failed, 0 targets complete, 2 incomplete/m);
    expect(result.stdout).toMatch(/^ {2}a 2024-01-01\.\.2024-01-04 +exited with code 3 \(bisected: each of its 4 parts failed the same way\)$/m);
    expect(result.stdout).toContain('skipped because of it: b 4 dates');
    const run = await lastRun(p);
    // 1 of 4 dates, 2 of 2, 4 of 1: seven attempts, none built.
    expect(run.attempts.filter((a) => a.target === 'a').map((a) => a.dates.length)).toEqual([4, 2, 2, 1, 1, 1, 1]);
  });

  it('a hanging step with timeout 3s is killed with its children, reported as timed out, exit 1', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        // sh starts in a millisecond, so even a loaded machine sees both pids before the timeout.
        a: { table: 'a_t', dateColumn: 'd', run: ['sh', '-c', 'echo $$ >> hang.pids; sleep 600 & echo $! >> hang.pids; wait'], timeout: '3s', bisect: false },
        b: { table: 'b_t', dateColumn: 'd', run: proc('b_t') },
      }`, { range: ['2024-01-01', '2024-01-02'] }),
    });
    const result = await p.bftask([]);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^ {2}a 2024-01-01\.\.2024-01-02 +timed out after 3s$/m);
    expect(datesIn(p, 'b_t')).toEqual(days('2024-01-01', '2024-01-02'));
    const pids = fs.readFileSync(path.join(p.dir, 'hang.pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBe(2);
    await waitFor(`a's processes ${pids.join(', ')} to be gone`, () => pids.every((pid) => !isAlive(pid)));
    const run = await lastRun(p);
    expect(run.attempts.filter((a) => a.target === 'a').map((a) => [a.outcome, a.message])).toEqual([['timed-out', 'timed out after 3s']]);
  });

  it('--fail-fast: after the first failure nothing new starts; running steps finish; exit 1', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        // At -j 2, a's one step and aslow's first take both slots at once (aslow's others wait
        // on its own bound of 1); a fails while aslow's first step still runs.
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-01-01', '--sleep', '300') },
        aslow: { table: 's_t', dateColumn: 'd', run: proc('s_t', '--sleep', '2000'), shard: 1, concurrency: 1 },
      }`, { range: ['2024-01-01', '2024-01-06'] }),
    });
    const result = await p.bftask(['--fail-fast', '-j', '2']);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/not started: \d+ steps/);
    // From the ledger's own clock: no attempt started after the failed one ended, and the slow
    // step running then was let finish.
    const run = await lastRun(p);
    const failed = run.attempts.find((a) => a.target === 'a' && a.outcome === 'failed');
    expect(failed?.ended).toBeTruthy();
    const ended = Date.parse(failed?.ended as string);
    expect(run.attempts.filter((a) => a.outcome !== 'skipped' && Date.parse(a.started) > ended)).toEqual([]);
    const slow = run.attempts.filter((a) => a.target === 'aslow');
    expect(slow).toHaveLength(1);
    expect(slow.every((a) => a.outcome === 'succeeded')).toBe(true);
    expect(datesIn(p, 's_t')).toHaveLength(slow.length);
    expect(run.attempts.length).toBeLessThan(12);
  });

  it.for([
    ['retries: -1', "retries: -1", 'targets.a.retries: must be a whole number from 0 to 100, got -1'],
    ['retries: "3"', "retries: '3'", 'targets.a.retries: must be a whole number from 0 to 100, got "3"'],
    ["timeout: '2 hours'", "timeout: '2 hours'", `targets.a.timeout: must be a positive number of seconds or a duration such as '90s', '30m', '2h', got "2 hours"`],
    ['timeout: -5', 'timeout: -5', `targets.a.timeout: must be a positive number of seconds or a duration such as '90s', '30m', '2h', got -5`],
    ["retryDelay: '5x'", "retryDelay: '5x'", `targets.a.retryDelay: must be seconds or a duration such as '10s', '5m', got "5x"`],
    ['bisect: "no"', "bisect: 'no'", 'targets.a.bisect: must be true or false, got "no"'],
  ] as const)('%s: one line, exit 2, nothing run or written', async ([, field, message], { expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), ${field} } }`, { range: ['2024-01-01', '2024-01-02'] }),
    });
    const result = await p.bftask([]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([`bftask: backfill.config.ts: ${message}`]);
    expect(fs.readdirSync(p.dir)).toEqual(['backfill.config.ts']);
  });
});
