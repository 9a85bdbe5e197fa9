// Steps that fail: exit 0 without output, non-zero exits, what they block and what they do not.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { addDays, datesIn, days, dryRun, expectedInvocations, newInvocations, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);

const newProject = projectMaker();
const project = (config: string): Project => newProject({ 'backfill.config.ts': config });

const tables = (p: Project): string[] =>
  p.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name);

describe.concurrent('failing steps', () => {
  it('a step that exits 0 without writing fails with "still missing", prints its log path, exits 1', async () => {
    const SHARD = 5;
    const p = project(
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--skip-write'), shard: ${SHARD}, bisect: false },
      }`, { range: [...RANGE] }),
    );
    const plan = await dryRun(p);
    const steps = plan.get('a')?.steps ?? [];
    expect(steps).toHaveLength(Math.ceil(ALL.length / SHARD));

    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    for (const s of steps) {
      const message = `exited 0 but ${s.start}..${s.end} still missing from a_t`;
      const line = result.stdout.split('\n').find((l) => l.includes(`a ${s.start}..${s.end}`) && l.includes(message) && !l.includes('FAIL'));
      expect(line, `summary line for ${s.start}..${s.end} in:\n${result.stdout}`).toBeDefined();
      // The summary names the step's log on the next line; it exists and holds the step's output.
      const lines = result.stdout.split('\n');
      const logLine = lines[lines.indexOf(line as string) + 1] ?? '';
      const log = /log: (\S+)$/.exec(logLine)?.[1];
      expect(log, logLine).toBeDefined();
      expect(path.basename(log as string)).toBe(`${s.start}_${s.end}.log`);
      const file = path.resolve(p.dir, log as string);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fs.readFileSync(file, 'utf8')).toContain(`processing ${s.start}..${s.end}`);
    }
    expect(p.invocations()).toHaveLength(steps.length);
  });

  it('a failing step skips only its dependents; a fixed re-run builds only what is missing', async () => {
    const targets = (aExtra: string) => `{
      a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'${aExtra}), bisect: false },
      b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
      c: { table: 'c_t', dateColumn: 'd', run: proc('c_t') },
      d: { table: 'd_t', dateColumn: 'd', deps: ['c'], run: proc('d_t') },
      m: { table: 'm_t', dateColumn: 'd', deps: ['a', 'c'], run: proc('m_t') },
    }`;
    const p = project(configSource(targets(", '--exit', '3'"), { range: [...RANGE] }));

    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^  a ${RANGE[0]}\\.\\.${RANGE[1]} +exited with code 3$`, 'm'));
    expect(result.stdout).toContain(`skipped because of it: b ${ALL.length} dates, m ${ALL.length} dates`);
    // The progress lines name the failed step as every other line names a step.
    expect(result.stdout).toMatch(new RegExp(`skip  b ${RANGE[0]}\\.\\.${RANGE[1]} \\(${ALL.length} dates\\): a ${RANGE[0]}\\.\\.${RANGE[1]} failed`));
    // The failed step's log holds what it wrote to stderr.
    const log = /^ +log: (\S+)$/m.exec(result.stdout)?.[1];
    expect(log, result.stdout).toBeDefined();
    expect(fs.readFileSync(path.resolve(p.dir, log as string), 'utf8')).toContain('failing on purpose');
    // Independent targets were built in full; the dependents never started.
    expect(datesIn(p, 'c_t')).toEqual(ALL);
    expect(datesIn(p, 'd_t')).toEqual(ALL);
    expect(tables(p)).toEqual(['c_t', 'd_t']);
    expect(new Set(p.invocations().map((l) => l.split(' ')[0]))).toEqual(new Set(['a', 'c', 'd']));

    p.write('backfill.config.ts', configSource(targets(''), { range: [...RANGE] }));
    const plan = await dryRun(p);
    expect(pendingOf(plan)).toEqual({ a: ALL, b: ALL, c: [], d: [], m: ALL });
    let rerun = { code: -1, stdout: '', stderr: '' };
    const added = await newInvocations(p, async () => {
      rerun = await p.bftask([]);
    });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(added).toEqual(expectedInvocations(plan));
    for (const t of ['a_t', 'b_t', 'c_t', 'd_t', 'm_t']) expect(datesIn(p, t), t).toEqual(ALL);
  });

  it('a failed step skips only the downstream dates that read its dates', async () => {
    const FAIL_DATE = '2024-01-03';
    const LOOKBACK = 2;
    const p = project(
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '${FAIL_DATE}'), shard: 5, bisect: false },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 5 },
        c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'a', lookback: ${LOOKBACK} }], run: proc('c_t'), shard: 2 },
      }`, { range: [...RANGE] }),
    );
    const plan = await dryRun(p);
    const stepsOf = (name: string) => plan.get(name)?.steps ?? [];
    const failed = stepsOf('a').find((s) => s.start <= FAIL_DATE && FAIL_DATE <= s.end);
    expect(failed).toBeDefined();
    const lost = days(failed?.start as string, failed?.end as string);
    // A date is skipped when the dates it reads ([d - lookback, d]) meet the failed step's; the
    // other dates of its step are still built.
    const survivors = (name: string, lookback: number) =>
      stepsOf(name)
        .flatMap((s) => days(s.start, s.end))
        .filter((d) => !days(addDays(d, -lookback), d).some((r) => lost.includes(r)));
    const expectedB = survivors('b', 0);
    const expectedC = survivors('c', LOOKBACK);
    // The case is only interesting if each target has steps on both sides.
    expect(expectedB.length).toBeGreaterThan(0);
    expect(expectedC.length).toBeGreaterThan(0);
    expect(expectedC.length).toBeLessThan(ALL.length);

    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    expect(datesIn(p, 'a_t')).toEqual(ALL.filter((d) => !lost.includes(d)));
    expect(datesIn(p, 'b_t')).toEqual(expectedB);
    expect(datesIn(p, 'c_t')).toEqual(expectedC);
    const skippedB = ALL.length - expectedB.length;
    const skippedC = ALL.length - expectedC.length;
    expect(result.stdout).toContain(`skipped because of it: b ${skippedB} dates, c ${skippedC} dates`);
  });
});
