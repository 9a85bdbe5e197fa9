// Output conventions: colour only on a terminal and never with NO_COLOR or --no-color (listr2's
// task list included), --quiet (failures and the final line), --verbose (every command line),
// and counts with the right plural.
import os from 'node:os';
import { execa } from 'execa';
import { describe, it } from 'vitest';
import { BIN, configSource } from '../rig.js';
import { projectMaker } from './util.js';

const project = projectMaker();
/** Select Graphic Rendition: the escape codes that colour text (not the cursor movements). */
const SGR = /\x1b\[[\d;]*m/;

/** bftask on a pseudo-terminal (`script`), with colour allowed unless `env` says otherwise. */
async function onTerminal(dir: string, args: string, env: Record<string, string> = {}) {
  const result = await execa('script', ['-qec', `stty cols 120 rows 40; node ${BIN} ${args}`, '/dev/null'], {
    cwd: dir,
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), TERM: 'xterm', ...env },
  });
  return { code: result.exitCode, out: String(result.stdout) };
}

const oneTarget = configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 2 } }`, { range: ['2024-01-01', '2024-01-04'] });

describe.concurrent('output conventions', () => {
  it('colours a terminal, and nothing under NO_COLOR or --no-color, the task list included', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': oneTarget });
    const [plain, coloured] = await Promise.all([onTerminal(p.dir, 'a --no-color --to 2024-01-02'), onTerminal(p.dir, 'status', {})]);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toContain('✔ a');
    expect(plain.out).not.toMatch(SGR);
    // Half built: the status verdict is red.
    expect(coloured.out).toMatch(/\x1b\[31m1 of 1 target incomplete\x1b\[39m: a/);
    const built = await onTerminal(p.dir, 'a');
    expect(built.out).toMatch(SGR);
    expect(built.out).toMatch(/\x1b\[32m✔\x1b\[39m 1 step, 2 dates built in [\d.]+s · 1 target complete/);
    for (const [args, env] of [['status', { NO_COLOR: '1' }], ['status --no-color', {}], ['a --no-color', {}], ['status', { NO_COLOR: '' }]] as const) {
      const result = await onTerminal(p.dir, args, env);
      expect(result.out, args).not.toMatch(SGR);
      expect(result.code, args).toBe(0);
    }
  });

  it('--quiet prints failures and the final line; --verbose every command line; plurals agree with counts', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-01-03'), shard: 2, bisect: false },
      }`, { range: ['2024-01-01', '2024-01-04'] }),
    });
    const quiet = await p.bftask(['-q']);
    expect(quiet.code).toBe(1);
    const lines = quiet.stdout.split('\n');
    expect(lines[0]).toMatch(/^\S+ \S+ FAIL {2}a 2024-01-03\.\.2024-01-04 \(2 dates\): exited with code 3 · log \S+$/);
    expect(lines[1]).toMatch(/^✖ 1 step failed, 0 targets complete, 1 incomplete · 1 step \(2 dates\) built in [\d.]+s$/);
    expect(quiet.stdout).not.toMatch(/ (start|done) {1,2}a /);

    const verbose = await p.bftask(['--verbose', '--to', '2024-01-02', '--force', 'a']);
    expect(verbose.code, verbose.stdout).toBe(0);
    expect(verbose.stdout).toMatch(/ start a 2024-01-01\.\.2024-01-02 \(2 dates\): node \S+processor\.mjs --table a_t --column d --start-date 2024-01-01 --end-date 2024-01-02 --fail-date 2024-01-03$/m);
    expect(verbose.stdout).toMatch(/^✔ 1 step, 2 dates built in [\d.]+s · 1 target complete · logs /m);

    const nothing = await p.bftask(['-q', '--to', '2024-01-02']);
    expect(nothing.stdout).toBe('✔ nothing to do: 1 target complete for 2024-01-01..2024-01-02');
    const status = await p.bftask(['status']);
    expect(status.stdout).toMatch(/^ {2}1 of 1 target incomplete: a$/m);

    for (const [args, message] of [
      [['-q', '--verbose'], '--quiet and --verbose contradict each other: pick one'],
      [['--verbose', '--reporter', 'listr'], '--verbose prints lines: it goes with --reporter lines, not listr'],
      [['-n', '-q'], '--quiet goes with a run, not --dry-run'],
    ] as const) {
      const result = await p.bftask(args);
      expect([result.code, result.stderr]).toEqual([2, `bftask: ${message}`]);
    }
  });
});
