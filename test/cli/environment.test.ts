// What a step sees (variables, placeholders, working folder) and where bftask finds its config.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource } from '../rig.js';
import { datesIn, days, dryRun, projectMaker, statusJson } from './util.js';

const RANGE = ['2024-01-01', '2024-01-07'] as const;
const ALL = days(...RANGE);

const project = projectMaker();

interface EnvDump {
  env: Record<string, string>;
  cwd: string;
}

describe.concurrent('the step environment', () => {
  it('has BFTASK_* variables, expanded placeholders, and the config folder as working directory', async () => {
    const p = project({
      // The command names its table and its env file through placeholders.
      'backfill.config.ts': configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('{table}', '--dump-env', 'env-{target}.jsonl'), shard: 3 },
      }`, { range: [...RANGE] }),
      'sub/dir/.keep': '',
    });
    const plan = await dryRun(p);
    const steps = plan.get('a')?.steps ?? [];
    expect(steps.length).toBeGreaterThan(1);

    // Run from a subfolder: the steps still run in the config's folder.
    const result = await p.bftask([], { cwd: path.join(p.dir, 'sub', 'dir') });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(datesIn(p, 'a_t')).toEqual(ALL);

    const dumps = fs
      .readFileSync(path.join(p.dir, 'env-a.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EnvDump)
      .sort((x, y) => (x.env.BFTASK_START ?? '').localeCompare(y.env.BFTASK_START ?? ''));
    const dir = fs.realpathSync(p.dir);
    // Every step of one run gets that run's id: the name of its log folder.
    const run = path.basename(fs.readlinkSync(path.join(p.dir, '.bftask', 'logs', 'latest')));
    expect(run).toMatch(/^\d{8}-\d{6}/);
    expect(dumps).toEqual(
      steps.map((s) => ({
        cwd: dir,
        env: {
          BFTASK_TARGET: 'a',
          BFTASK_TABLE: 'a_t',
          BFTASK_START: s.start,
          BFTASK_END: s.end,
          BFTASK_DATES: days(s.start, s.end).join(','),
          BFTASK_WAREHOUSE: path.join(dir, 'data', 'warehouse.db'),
          BFTASK_RUN: run,
        },
      })),
    );
  });
});

describe.concurrent('finding the config', () => {
  const CONFIG = configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
  }`, { range: [...RANGE] });

  it('--config PATH works from another folder; paths resolve against the config, not the caller', async () => {
    const p = project({ 'backfill.config.ts': CONFIG });
    const elsewhere = project({});
    const relative = path.relative(elsewhere.dir, path.join(p.dir, 'backfill.config.ts'));

    const result = await p.bftask(['--config', relative], { cwd: elsewhere.dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(datesIn(p, 'a_t')).toEqual(ALL);
    expect(datesIn(p, 'b_t')).toEqual(ALL);
    expect(p.invocations()).toHaveLength(2);
    expect(fs.existsSync(path.join(p.dir, '.bftask', 'logs'))).toBe(true);
    // Nothing lands where bftask was started.
    expect(fs.readdirSync(elsewhere.dir)).toEqual([]);

    const status = await p.bftask(['status', '--config', path.join(p.dir, 'backfill.config.ts')], { cwd: elsewhere.dir });
    expect(status.code).toBe(0);
  });

  it('is found upward from a subfolder, and the run writes next to it', async () => {
    const p = project({ 'backfill.config.ts': CONFIG, 'jobs/nested/.keep': '' });
    const sub = path.join(p.dir, 'jobs', 'nested');

    const result = await p.bftask([], { cwd: sub });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(datesIn(p, 'a_t')).toEqual(ALL);
    expect(datesIn(p, 'b_t')).toEqual(ALL);
    expect(fs.readdirSync(sub)).toEqual(['.keep']);
    // The printed log folder is real, seen from where the user stands.
    const logs = /logs (\S+)$/m.exec(result.stdout)?.[1];
    expect(logs, result.stdout).toBeDefined();
    expect(fs.existsSync(path.resolve(sub, logs as string))).toBe(true);

    const status = await p.bftask(['status', '--json'], { cwd: sub });
    expect(status.code).toBe(0);
  });
});
