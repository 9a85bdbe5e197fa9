// Configs and command lines as real users write them: async helpers, literal JSON in arguments,
// SQL pasted with its `;` and comments, far-future dates, misspelt options.
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { datesIn, days, dryRun, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const project = projectMaker();
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

describe.concurrent('config and command-line inputs', () => {
  it('an async exclude is a config error naming the target, not "every date excluded"', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), exclude: async (date: string) => date < '2024-01-03' },
      }`, { range: [...RANGE] }),
    });
    for (const args of [['status'], ['-n'], []]) {
      const result = await p.bftask(args);
      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        'bftask: backfill.config.ts: targets.a.exclude: must return true or false, got a Promise (exclude must not be async) for 2024-01-01',
      ]);
    }
    expect(p.invocations()).toEqual([]);
  });

  it('lookback 0 means the same date; literal braces in run arguments pass through unchanged', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
        b: { table: 'b_t', dateColumn: 'd', deps: [{ target: 'a', lookback: 0 }],
             run: ['node', '-e', '', '{"mode":"full"}', '{ start }', '--day={start}'] },
      }`, { range: [...RANGE] }),
    });
    const plan = await dryRun(p, ['--to', '2024-01-02']);
    expect(pendingOf(plan)).toEqual({ a: ['2024-01-01', '2024-01-02'], b: ['2024-01-01', '2024-01-02'] });
    expect(plan.get('b')?.steps.map((s) => s.argv)).toEqual([['node', '-e', '', '{"mode":"full"}', '{ start }', '--day=2024-01-01']]);
  });

  it('a SQL target pasted with a trailing ; and comment builds; two statements are a config error', async ({ expect }) => {
    const sql = (tail: string) => `SELECT d, value * 10 AS value FROM a_t WHERE d BETWEEN @start AND @end${tail}`;
    const config = (tail: string) =>
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
        s: { table: 's_t', dateColumn: 'd', deps: ['a'], sql: ${JSON.stringify(sql(tail))} },
      }`, { range: [...RANGE] });
    const p = project({ 'backfill.config.ts': config(';\n-- the scores, times ten;') });
    const built = await p.bftask([]);
    expect(built.code, built.stdout).toBe(0);
    expect(datesIn(p, 's_t')).toEqual(ALL);

    p.write('backfill.config.ts', config(' -- no newline after this comment'));
    const forced = await p.bftask(['--force', 's']);
    expect(forced.code, forced.stdout).toBe(0);
    expect(datesIn(p, 's_t')).toEqual(ALL);

    p.write('backfill.config.ts', config('; DELETE FROM a_t'));
    const two = await p.bftask(['-n']);
    expect(two.code).toBe(2);
    expect(errorLines(two.stderr)).toEqual(['bftask: backfill.config.ts: targets.s.sql: must be one SELECT, got 2 statements']);
  });

  it('a far-future date is refused at once instead of hanging', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }) });
    const result = await p.bftask(['status', '--from', '9999-12-30', '--to', '9999-12-31']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual(['bftask: --from 9999-12-30 is out of range: use a year from 1000 to 9998']);
  });

  it.for([
    [['--dryrun'], 'unknown option --dryrun — did you mean "--dry-run"?'],
    [['--frm', '2024-01-02'], 'unknown option --frm — did you mean "--from"?'],
    [['--from', '-n'], '--from needs a value: a date YYYY-MM-DD'],
    [['--force', '--dry-run'], '--force needs a value: the target to rebuild'],
    [['--json=yes', '-n'], '--json takes no value'],
  ] as const)('%j: one line, exit 2', async ([args, message], { expect }) => {
    const p = project({ 'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }) });
    const result = await p.bftask(args);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([`bftask: ${message} (bftask --help lists the options)`]);
    expect(result.stdout).toBe('');
  });

  it('a program that is not on PATH, or a script path that does not exist, is found before anything runs', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: ['pyhton3', 'jobs/a.py', '{start}'] },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: ['jobs/b.sh', '{start}'] },
        c: { table: 'c_t', dateColumn: 'd', run: ['./jobs/c.sh', '{start}'] },
        ok: { table: 'ok_t', dateColumn: 'd', run: proc('ok_t') },
      }`, { range: [...RANGE] }),
      'jobs/c.sh': '#!/bin/sh\nexit 0\n',
    });
    for (const args of [['-n'], []]) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        'bftask: backfill.config.ts: targets.a.run[0]: "pyhton3" is not a program on PATH — did you mean "python3"?',
        `bftask: backfill.config.ts: targets.b.run[0]: "jobs/b.sh" does not exist (looked for ${p.dir}/jobs/b.sh)`,
        'bftask: backfill.config.ts: targets.c.run[0]: "./jobs/c.sh" is not an executable file (chmod +x ./jobs/c.sh?)',
      ]);
    }
    expect(p.invocations()).toEqual([]);
    // Only what the build selects is checked: ok alone runs, and status never looks.
    expect((await p.bftask(['ok'])).code).toBe(0);
    expect((await p.bftask(['status', 'ok'])).code).toBe(0);
  });
});
