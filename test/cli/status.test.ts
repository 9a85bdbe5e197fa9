// `bftask status` and targets whose output is files rather than a table.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource } from '../rig.js';
import { datesIn, days, dryRun, expectedInvocations, newInvocations, pendingOf, projectMaker, statusJson } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);

const project = projectMaker();

describe.concurrent('bftask status', () => {
  it('status and --dry-run on a project never built write nothing, not even the warehouse file', async () => {
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, { range: [...RANGE] }),
    });
    const status = await statusJson(p);
    expect(status.code).toBe(1);
    expect(status.targets.get('a')?.missing).toEqual(ALL);
    expect(pendingOf(await dryRun(p))).toEqual({ a: ALL });
    expect(fs.readdirSync(p.dir).sort()).toEqual(['backfill.config.ts']);
  });

  it('exits 0 when complete, 1 with missing counts once a date is missing, and runs nothing', async () => {
    const EXCLUDED = '2024-01-03';
    const GONE = '2024-01-05';
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), exclude: ['${EXCLUDED}'] },
      }`, { range: [...RANGE] }),
    });
    const B_EXPECTED = ALL.filter((d) => d !== EXCLUDED);

    expect((await p.bftask([])).code).toBe(0);
    let status = await statusJson(p);
    expect(status.code).toBe(0);
    expect([...status.targets.values()]).toEqual([
      { name: 'a', table: 'a_t', expected: ALL.length, present: ALL.length, missing: [], thin: [] },
      { name: 'b', table: 'b_t', expected: B_EXPECTED.length, present: B_EXPECTED.length, missing: [], thin: [] },
    ]);

    p.exec('DELETE FROM b_t WHERE d = ?', GONE);
    const before = p.invocations();
    status = await statusJson(p);
    expect(status.code).toBe(1);
    expect([...status.targets.values()]).toEqual([
      { name: 'a', table: 'a_t', expected: ALL.length, present: ALL.length, missing: [], thin: [] },
      { name: 'b', table: 'b_t', expected: B_EXPECTED.length, present: B_EXPECTED.length - 1, missing: [GONE], thin: [] },
    ]);
    const partial = await p.bftask(['status']);
    expect(partial.code).toBe(1);
    // target, table, expected, present, missing, then the first gap.
    expect(partial.stdout).toMatch(new RegExp(`^\\s+b\\s+b_t\\s+${B_EXPECTED.length}\\s+${B_EXPECTED.length - 1}\\s+1\\s+.*${GONE}$`, 'm'));
    expect(partial.stdout).toContain('1 of 2 targets incomplete: b');
    // Only what was asked about counts: a alone is complete.
    expect((await statusJson(p, ['a'])).code).toBe(0);
    expect(p.invocations()).toEqual(before);
  });
});

describe.concurrent('files targets', () => {
  it('are covered by the files present; a deleted file is rebuilt with what reads it', async () => {
    const PATTERN = 'out/{date}.json';
    const GONE = '2024-01-04';
    const p = project({
      'backfill.config.ts': configSource(`{
        f: { files: '${PATTERN}', run: proc('unused', '--file', '{table}'), shard: 4 },
        t: { table: 't_t', dateColumn: 'd', deps: ['f'], run: proc('t_t') },
      }`, { range: [...RANGE] }),
    });
    const fileOf = (d: string) => path.join(p.dir, PATTERN.replace('{date}', d));

    const plan = await dryRun(p);
    expect(plan.get('f')?.table).toBe(PATTERN);
    expect(pendingOf(plan)).toEqual({ f: ALL, t: ALL });
    // {table} is the pattern for a files target.
    expect(plan.get('f')?.steps[0]?.argv).toEqual(expect.arrayContaining(['--file', PATTERN]));

    expect((await p.bftask([])).code).toBe(0);
    expect(fs.readdirSync(path.join(p.dir, 'out')).sort()).toEqual(ALL.map((d) => `${d}.json`));
    const status = await statusJson(p);
    expect(status.code).toBe(0);
    expect(status.targets.get('f')).toEqual({ name: 'f', table: PATTERN, expected: ALL.length, present: ALL.length, missing: [], thin: [] });

    fs.rmSync(fileOf(GONE));
    const again = await dryRun(p);
    expect(pendingOf(again)).toEqual({ f: [GONE], t: [GONE] });
    const added = await newInvocations(p, async () => {
      expect((await p.bftask([])).code).toBe(0);
    });
    expect(added).toEqual(expectedInvocations(again));
    expect(fs.existsSync(fileOf(GONE))).toBe(true);
    expect(datesIn(p, 't_t')).toEqual(ALL);
  });
});
