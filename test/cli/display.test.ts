// The terminal display: what it costs (bytes written to a pseudo-terminal per second of run),
// a terminal too narrow for a task list, and how failures and skips are counted.
import os from 'node:os';
import { execa } from 'execa';
import { describe, it } from 'vitest';
import { BIN, configSource } from '../rig.js';
import { days, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-12'] as const;
const project = projectMaker();

/** Runs bftask under `script`, so it has a pseudo-terminal of `cols` columns. */
async function onTerminal(dir: string, cols: number, args = '') {
  const started = Date.now();
  const result = await execa('script', ['-qec', `stty cols ${cols} rows 40; node ${BIN} ${args}`, '/dev/null'], {
    cwd: dir,
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), TERM: 'xterm', NO_COLOR: '1' },
  });
  return { ...result, seconds: (Date.now() - started) / 1000, bytes: Buffer.byteLength(String(result.stdout)) };
}

const config = configSource(`{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--sleep', '150'), shard: 1 },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t', '--sleep', '150'), shard: 1 },
  c: { table: 'c_t', dateColumn: 'd', deps: ['b'], run: proc('c_t'), shard: 3 },
}`, { range: [...RANGE] });

describe.concurrent('the terminal display', () => {
  it('writes a few frames a second at most, not a redraw per change', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config });
    const result = await onTerminal(p.dir, 120, '-j 2');
    expect(result.exitCode, String(result.stdout)).toBe(0);
    const steps = 2 * days(...RANGE).length + days(...RANGE).length / 3;
    expect(String(result.stdout)).toContain(`✔ ${steps} steps`);
    // A frame is four rows of at most 120 columns; at most four frames a second is under 2 KB/s.
    // Redrawing on every title change and on a 10 fps spinner wrote over 10 KB/s here.
    const perSecond = result.bytes / result.seconds;
    expect(perSecond, `${result.bytes} bytes in ${result.seconds} s`).toBeLessThan(4 * 4 * 130);
  });

  it.for([0, 20])('a terminal %i columns wide gets the lines reporter', async (cols, { expect }) => {
    const p = project({ 'backfill.config.ts': config });
    const result = await onTerminal(p.dir, cols, 'a --to 2024-01-03');
    const out = String(result.stdout).replace(/\r/g, '');
    expect(result.exitCode, out).toBe(0);
    expect(out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d run \S+: 3 steps, 3 dates/m);
    expect(out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d done {2}a 2024-01-03 \(1 date\)/m);
    // No task-list rows, and no line of a single character.
    expect(out).not.toContain('█');
    expect(out.split('\n').filter((l) => l.trim().length === 1)).toEqual([]);
  });

  it('counts a skipped step as skipped, not failed, and marks the run ✖ when anything failed', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-01-02'), shard: 1 },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 1 },
      }`, { range: ['2024-01-01', '2024-01-03'] }),
    });
    const result = await onTerminal(p.dir, 120);
    const screen = String(result.stdout).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(result.exitCode, screen).toBe(1);
    // The final frame: a failed once, b skipped once, and the footer carries ✖, not ✔.
    expect(screen).toMatch(/✖ a +█+░+ +2\/3 dates · 1 failed · /);
    expect(screen).toMatch(/✖ b +█+░+ +2\/3 dates · 1 skipped · /);
    expect(screen).not.toMatch(/ b .*failed/);
    expect(screen).toMatch(/✖ elapsed [\d.]+s · 4\/6 dates · 0 steps running · 1 failed · 1 skipped/);
  });
});
