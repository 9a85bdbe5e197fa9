// --force: every date of the target, and what depends on it within the selection, never upstream.
import { describe, expect, it } from 'vitest';
import { configSource, type Project } from '../rig.js';
import { days, dryRun, expectedInvocations, newInvocations, pendingOf, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-08'] as const;
const ALL = days(...RANGE);

// a ← b ← c, x on its own.
const CONFIG = configSource(`{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 3 },
  c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'b', lookback: 1 }], run: proc('c_t') },
  x: { table: 'x_t', dateColumn: 'd', run: proc('x_t') },
}`, { range: [...RANGE] });

const project = projectMaker();

async function built(): Promise<Project> {
  const p = project({ 'backfill.config.ts': CONFIG });
  const result = await p.bftask([]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return p;
}

/** Runs bftask, checks it succeeded, and returns the steps it ran. */
async function runAndCount(p: Project, args: string[]): Promise<string[]> {
  return newInvocations(p, async () => {
    const result = await p.bftask(args);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
}

describe.concurrent('--force', () => {
  it('rebuilds every date of the target and its downstream, not upstream or unrelated targets', async () => {
    const p = await built();
    const plan = await dryRun(p, ['--force', 'b']);
    expect(pendingOf(plan)).toEqual({ a: [], b: ALL, c: ALL, x: [] });
    const added = await runAndCount(p, ['--force', 'b']);
    expect(added).toEqual(expectedInvocations(plan));
    expect(added.filter((l) => l.startsWith('a ') || l.startsWith('x '))).toEqual([]);
  });

  it('stays within the selection: a downstream target that was not asked for is left alone', async () => {
    const p = await built();
    const plan = await dryRun(p, ['b', '--force', 'b']);
    expect(pendingOf(plan)).toEqual({ a: [], b: ALL });
    const added = await runAndCount(p, ['b', '--force', 'b']);
    expect(added).toEqual(expectedInvocations(plan));
    expect(added.every((l) => l.startsWith('b '))).toBe(true);
  });

  it('without a value is a usage error: exit 2, one line on stderr, nothing run', async () => {
    const p = project({ 'backfill.config.ts': CONFIG });
    const result = await p.bftask(['--force']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bftask: --force needs a value/);
    expect(p.invocations()).toEqual([]);
  });
});
