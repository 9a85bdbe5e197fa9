// The terminal display: on a TTY, one listr2 row per target plus a footer, never one per step.
import os from 'node:os';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, configSource } from '../rig.js';
import { days, projectMaker } from './util.js';

const project = projectMaker();

describe('listr display', () => {
  it('draws one row per target and a footer on a terminal, and ends with the summary', async () => {
    const RANGE = ['2024-01-01', '2024-01-12'] as const;
    const p = project({
      'backfill.config.ts': configSource(`{
        alpha: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 2 },
        beta: { table: 'b_t', dateColumn: 'd', deps: ['alpha'], run: proc('b_t'), shard: 3 },
      }`, { range: [...RANGE] }),
    });
    // `script` gives bftask a pseudo-terminal, so it picks the listr display by itself.
    const result = await execa('script', ['-qec', `stty cols 120 rows 40; node ${BIN}`, '/dev/null'], {
      cwd: p.dir,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), TERM: 'xterm', NO_COLOR: '1' },
    });
    const screen = result.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(result.exitCode, screen).toBe(0);
    const all = days(...RANGE).length;
    expect(screen).toMatch(new RegExp(`✔ alpha +█+ +${all}/${all} dates`));
    expect(screen).toMatch(new RegExp(`✔ beta +█+ +${all}/${all} dates`));
    expect(screen).toMatch(new RegExp(`elapsed [\\d.]+s · ${2 * all}/${2 * all} dates · 0 steps running · 0 failed`));
    // Rows are per target: no step's range ever appears as a row of its own.
    expect(screen).not.toMatch(/alpha 2024-01-0\d\.\.2024/);
    expect(screen).toContain(`✔ 10 steps, ${2 * all} dates built`);
  });
});
