// The commands bftask prints as the next thing to type are run here, as a user would type them,
// and must plan exactly what they promise.
import { describe, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { days, dryRun, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
const project = projectMaker();

/** The words of the line that starts with `label` (hints need no shell quoting here). */
function hint(output: string, label: string): string[] {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label));
  if (!line) throw new Error(`no "${label}" line in:\n${output}`);
  const words = line.trim().slice(label.length).trim().split(/ +/);
  if (words[0] !== 'bftask') throw new Error(`not a bftask command: ${line}`);
  return words.slice(1);
}

const values = (p: Project, table: string) => p.query<{ d: string; value: number }>(`SELECT d, value FROM ${table} ORDER BY d`);

describe.concurrent('printed commands', () => {
  it('"run it" after a dry run reproduces the plan: targets, --force, --from/--to, -j and --config', async ({ expect }) => {
    const p = project({
      'pipeline.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 2 },
        c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'b', lookback: 2 }], run: proc('c_t') },
      }`, { range: [...RANGE] }),
    });
    expect((await p.bftask(['--config', 'pipeline.config.ts'])).code).toBe(0);
    const args = ['c', '--force', 'b', '--from', '2024-01-05', '--to', '2024-01-08', '-j', '3', '--config', 'pipeline.config.ts'];
    const shown = await p.bftask([...args, '-n']);
    expect(shown.code, shown.stderr).toBe(0);
    const printed = hint(shown.stdout, 'run it:');
    expect(printed).toEqual(['c', '--force', 'b', '--from', '2024-01-05', '--to', '2024-01-08', '-j', '3', '--config', 'pipeline.config.ts']);
    const original = await dryRun(p, args);
    expect(pendingOf(original)).toEqual({ a: [], b: days('2024-01-05', '2024-01-08'), c: days('2024-01-05', '2024-01-08') });
    expect(await dryRun(p, printed)).toEqual(original);
  });

  it('after a failed forced run, the printed re-run finishes the forced rebuild and nothing before or after it', async ({ expect }) => {
    const config = (aExtra: string) =>
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--value', '2'${aExtra}), shard: 2, bisect: false },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t', '--value', '2'), shard: 2 },
      }`, { range: [...RANGE] });
    const p = project({ 'backfill.config.ts': config('') });
    // Built once with value 1: the forced rebuild writes 2, so an old row is easy to see.
    expect((await p.bftask([])).code).toBe(0);
    p.exec('UPDATE a_t SET value = 1');
    p.exec('UPDATE b_t SET value = 1');

    p.write('backfill.config.ts', config(", '--fail-date', '2024-01-06'"));
    const failed = await p.bftask(['b', '--force', 'a', '-j', '1']);
    expect(failed.code, failed.stdout).toBe(1);
    const printed = hint(failed.stdout, 're-run to retry what is left:');
    // a 2024-01-05..06 failed and b's step on it was skipped: both still hold old rows, so a
    // plain `bftask b` would plan nothing. The hint forces them again from the first unfinished
    // date to the last; the forced dates after them were rebuilt.
    expect(printed).toEqual(['b', '--force', 'a', '--force', 'b', '--from', '2024-01-05', '--to', '2024-01-06', '-j', '1']);
    expect(pendingOf(await dryRun(p, ['b']))).toEqual({ a: [], b: [] });

    p.write('backfill.config.ts', config(''));
    const plan = await dryRun(p, printed);
    expect(pendingOf(plan)).toEqual({ a: ALL.slice(4, 6), b: ALL.slice(4, 6) });
    const invocationsBefore = p.invocations().length;
    const finished = await p.bftask(printed);
    expect(finished.code, finished.stdout).toBe(0);
    // Every date of both tables is now from the forced rebuild, and the re-run built 01-05..06 only.
    for (const table of ['a_t', 'b_t']) expect(values(p, table), table).toEqual(ALL.map((d) => ({ d, value: 2 })));
    const rerun = p.invocations().slice(invocationsBefore);
    expect(rerun.length).toBeGreaterThan(0);
    for (const line of rerun) expect([line.split(' ')[1], line.split(' ')[2]], line).toEqual(['2024-01-05', '2024-01-06']);
  });

  it('after a failed plain run, the re-run is the same command without --force', async ({ expect }) => {
    const config = (extra: string) =>
      configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'${extra}), shard: 5, bisect: false } }`, { range: [...RANGE] });
    const p = project({ 'backfill.config.ts': config(", '--fail-date', '2024-01-08'") });
    const failed = await p.bftask(['a', '--from', '2024-01-03']);
    expect(failed.code).toBe(1);
    const printed = hint(failed.stdout, 're-run to retry what is left:');
    expect(printed).toEqual(['a', '--from', '2024-01-03']);
    expect(pendingOf(await dryRun(p, printed))).toEqual({ a: days('2024-01-08', '2024-01-10') });
  });
});
