// Step logs as someone reads them after a failure: the summary quotes the end of the failed
// step's log, every log ends with how its process ended, and logs/latest is the newest run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { projectMaker } from './util.js';

const project = projectMaker();

describe.concurrent('step logs', () => {
  it('the summary shows the last lines of a failed step\'s log; each log ends with a footer; latest points at the run', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-01-03'), shard: 2 },
      }`, { range: ['2024-01-01', '2024-01-04'] }),
    });
    const result = await p.bftask([]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((l) => /^ {2}a 2024-01-03\.\.2024-01-04 +exited with code 3$/.test(l));
    expect(at, result.stdout).toBeGreaterThan(0);
    const log = /log: (\S+)$/.exec(lines[at + 1] ?? '')?.[1];
    expect(log, result.stdout).toBeDefined();
    // What the processor printed, quoted under the log path, bftask's own lines left out.
    expect(lines.slice(at + 2, at + 4).map((l) => l.trim())).toEqual(['│ processing 2024-01-03..2024-01-04', '│ failing on purpose']);

    const runId = /^\S+ \S+ run (\S+):/m.exec(result.stdout)?.[1];
    expect(runId, result.stdout).toBeDefined();
    const logs = path.join(p.dir, '.bftask', 'logs');
    expect(fs.realpathSync(path.join(logs, 'latest'))).toBe(fs.realpathSync(path.join(logs, runId as string)));
    const failed = fs.readFileSync(path.resolve(p.dir, log as string), 'utf8').trimEnd().split('\n');
    expect(failed.at(-1)).toMatch(/^# exited with code 3 after \d+\.\ds$/);
    const ok = fs.readFileSync(path.join(logs, runId as string, 'a', '2024-01-01_2024-01-02.log'), 'utf8').trimEnd().split('\n');
    expect(ok.at(-1)).toMatch(/^# exited with code 0 after \d+\.\ds$/);

    // A run with nothing to do leaves no folder behind and does not move latest.
    p.write('backfill.config.ts', configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 2 } }`, { range: ['2024-01-01', '2024-01-02'] }));
    expect((await p.bftask([])).stdout).toContain('nothing to do');
    expect(fs.readdirSync(logs).sort()).toEqual([runId, 'latest'].sort());
  });

  it('runs started together get distinct ids, each naming its own log folder', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
        b: { table: 'b_t', dateColumn: 'd', run: proc('b_t') },
      }`, { range: ['2024-01-01', '2024-01-02'] }),
    });
    const results = await Promise.all([p.bftask(['a']), p.bftask(['b'])]);
    const ids = results.map((r) => {
      expect(r.code, r.stdout).toBe(0);
      return /^\S+ \S+ run (\S+):/m.exec(r.stdout)?.[1];
    });
    expect(new Set(ids).size).toBe(2);
    for (const [i, target] of ['a', 'b'].entries()) {
      expect(fs.readdirSync(path.join(p.dir, '.bftask', 'logs', ids[i] as string))).toEqual([target]);
    }
  });
});
