// Per-date data checks on SQLite: minRows and check queries, with real processes.
import { describe, expect, it } from 'vitest';
import { configSource } from '../rig.js';
import { dryRun, newInvocations, pendingOf, projectMaker, statusJson } from './util.js';

const RANGE: [string, string] = ['2024-01-01', '2024-01-05'];
const THIN = '2024-01-03';
const project = projectMaker();

describe.concurrent('data checks', () => {
  it('minRows: a thin date is pending (check), status shows it apart, a run fixes it, a processor leaving it thin fails', async () => {
    const p = project({
      'backfill.config.ts': configSource(
        `{
          a: { table: 'a_t', dateColumn: 'd', minRows: 3, run: proc('a_t', '--rows', '3') },
          b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
          bad: { table: 'bad_t', dateColumn: 'd', minRows: 3, bisect: false, run: proc('bad_t', '--rows', '3', '--thin', '${THIN}') },
        }`,
        { range: RANGE },
      ),
    });
    expect((await p.bftask(['b'])).code).toBe(0);
    p.exec(`DELETE FROM a_t WHERE rowid IN (SELECT rowid FROM a_t WHERE d = ? LIMIT 2)`, THIN);

    const plan = await dryRun(p, ['b']);
    expect(pendingOf(plan)).toEqual({ a: [THIN], b: [THIN] });
    expect(plan.get('a')?.reasons).toEqual({ [THIN]: 'check' });
    const status = await statusJson(p, ['b']);
    expect(status.code).toBe(1);
    expect(status.targets.get('a')).toMatchObject({ expected: 5, present: 4, missing: [], thin: [THIN] });
    const text = await p.bftask(['status', 'b']);
    expect(text.stdout).toMatch(/^\s+target\s+table\s+expected\s+present\s+thin\s+missing\s+done\s+first gaps$/m);
    expect(text.stdout).toMatch(new RegExp(`^\\s+a\\s+a_t\\s+5\\s+4\\s+1\\s+0\\s+80\\.0%\\s+thin ${THIN}$`, 'm'));
    expect((await p.bftask(['why', 'a', '--date', THIN])).stdout.trim()).toBe(`a ${THIN} thin: has 1 row, fewer than minRows 3`);

    const added = await newInvocations(p, async () => {
      expect((await p.bftask(['b'])).code).toBe(0);
    });
    expect(added).toEqual([`a ${THIN} ${THIN} 1`, `b ${THIN} ${THIN} 1`]);
    expect(pendingOf(await dryRun(p, ['b']))).toEqual({ a: [], b: [] });

    const failed = await p.bftask(['bad']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`exited 0 but ${THIN} has 1 row, fewer than minRows 3`);
    expect((await statusJson(p, ['bad'])).targets.get('bad')).toMatchObject({ present: 4, thin: [THIN] });
  });

  it('check: dates the query returns are pending; a run that fixes them passes, one that does not fails', async () => {
    const check = (table: string) => `SELECT d AS date FROM ${table} WHERE d BETWEEN @start AND @end AND value < 0`;
    const p = project({
      'backfill.config.ts': configSource(
        `{
          c: { table: 'c_t', dateColumn: 'd', check: '${check('c_t')}', run: proc('c_t') },
          neg: { table: 'neg_t', dateColumn: 'd', check: '${check('neg_t')}', bisect: false, run: proc('neg_t', '--value=-1') },
        }`,
        { range: RANGE },
      ),
    });
    // Before anything is built the check is not run: the table it reads does not exist yet.
    expect(pendingOf(await dryRun(p))).toEqual({ c: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'], neg: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'] });
    expect((await p.bftask(['c'])).code).toBe(0);
    p.exec(`UPDATE c_t SET value = -5 WHERE d = ?`, THIN);
    const plan = await dryRun(p, ['c']);
    expect(pendingOf(plan)).toEqual({ c: [THIN] });
    expect(plan.get('c')?.reasons).toEqual({ [THIN]: 'check' });
    expect((await p.bftask(['why', 'c', '--date', THIN])).stdout.trim()).toBe(`c ${THIN} thin: fails targets.c.check`);
    expect((await p.bftask(['c'])).code).toBe(0);
    expect(pendingOf(await dryRun(p, ['c']))).toEqual({ c: [] });

    const failed = await p.bftask(['neg']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('exited 0 but 2024-01-01..2024-01-05 fail targets.neg.check');
  });

  it('a check that cannot run is one line naming the target, exit 2, and nothing runs', async () => {
    const p = project({
      'backfill.config.ts': configSource(`{ c: { table: 'c_t', dateColumn: 'd', check: 'SELECT d FROM c_t WHERE d BETWEEN @start AND @end AND nope IS NULL', run: proc('c_t') } }`, {
        range: RANGE,
      }),
    });
    p.exec(`CREATE TABLE c_t (d TEXT, value INTEGER)`);
    p.exec(`INSERT INTO c_t VALUES ('2024-01-01', 1)`);
    const result = await p.bftask([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('bftask: targets.c.check: cannot run: no such column: nope');
    expect(p.invocations()).toEqual([]);
  });
});
