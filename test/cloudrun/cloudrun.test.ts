// Command steps as Cloud Run job executions, against a local Cloud Run Admin API v2 server that
// "executes" each execution by running its args as a local process; the real client library and
// the real CLI.
import { afterAll, describe, it } from 'vitest';
import { makeProject, PROCESSOR, type Project } from '../rig.js';
import { days, hasExited, isAlive, maxOverlap, waitFor } from '../cli/util.js';
import { startFakeRun, type FakeRun } from './fake-run.js';

const RANGE = ['2024-01-01', '2024-01-04'] as const;
const ALL = days(...RANGE);
const JOB = 'projects/test-project/locations/us-west2/jobs/backfill';
const EXECUTION = /^projects\/test-project\/locations\/us-west2\/jobs\/backfill\/executions\/backfill-\d{5}$/;

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

/** A project whose `remote` target runs on the fake's job and `local` reads it on this machine. */
async function setUp(options: { remoteExtra?: string; runner?: string; job?: string } = {}): Promise<{ p: Project; fake: FakeRun }> {
  const p = makeProject({});
  const fake = await startFakeRun({ cwd: p.dir, jobs: [JOB] });
  cleanup.push(() => fake.close(), () => p.remove());
  const proc = (table: string, extra = '') =>
    `['node', ${JSON.stringify(PROCESSOR)}, '--table', '${table}', '--column', 'd', '--start-date', '{start}', '--end-date', '{end}'${extra}]`;
  p.write(
    'backfill.config.ts',
    `import { cloudRunJob, defineConfig, sqlite } from 'bftask';
export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: { start: '${RANGE[0]}', end: '${RANGE[1]}' },
  runners: { cloud: cloudRunJob({ projectId: 'test-project', location: 'us-west2', job: '${options.job ?? 'backfill'}', apiEndpoint: '${fake.url}', concurrency: 3${options.runner ?? ''} }) },
  targets: {
    remote: { table: 'remote_t', dateColumn: 'd', run: ${proc('remote_t', options.remoteExtra)}, runner: 'cloud', shard: 1, bisect: false },
    local: { table: 'local_t', dateColumn: 'd', deps: ['remote'], run: ${proc('local_t')} },
  },
});
`,
  );
  return { p, fake };
}

const env = { BFTASK_CLOUD_RUN_POLL_MS: '50' };
const run = (p: Project, args: string[]) => p.bftask(args, { env });
const datesIn = (p: Project, table: string) => p.query<{ d: string }>(`SELECT d FROM ${table} ORDER BY d`).map((r) => r.d);
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

describe.concurrent('Cloud Run runner', () => {
  it('runs one target as executions and its dependent locally; each execution carries the argv and the BFTASK_ variables', async ({ expect }) => {
    const { p, fake } = await setUp();
    const shown = await run(p, ['-n']);
    expect(shown.stdout).toContain('remote · 2024-01-01..2024-01-04 · 4 steps on cloud (Cloud Run job backfill, us-west2, 3 at once)');
    const result = await run(p, ['-j', '1']);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(datesIn(p, 'remote_t')).toEqual(ALL);
    expect(datesIn(p, 'local_t')).toEqual(ALL);
    expect(fake.executions.map((e) => e.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    for (const [i, e] of fake.executions.entries()) {
      expect(e.name).toMatch(EXECUTION);
      expect(e.taskCount).toBe(1);
      const date = [...e.args].at(-1);
      expect(ALL).toContain(date);
      expect(e.args).toEqual(['node', PROCESSOR, '--table', 'remote_t', '--column', 'd', '--start-date', date, '--end-date', date]);
      expect(e.env).toMatchObject({ BFTASK_TARGET: 'remote', BFTASK_START: date, BFTASK_END: date, BFTASK_DATES: date, BFTASK_TABLE: 'remote_t' });
      expect(e.env.BFTASK_WAREHOUSE).toBe(`${p.dir}/data/warehouse.db`);
      expect(i === 0 || e.createdAt >= (fake.executions[0]?.createdAt ?? 0)).toBe(true);
    }
    // The local dependent ran on this machine: no execution for it.
    expect(p.invocations().filter((l) => l.startsWith('local '))).toHaveLength(1);
    // Checked before anything ran: the job, then what this caller may do with it.
    expect(fake.requests.slice(0, 2)).toEqual([`GET /v2/${JOB}`, `POST /v2/${JOB}:testIamPermissions`]);
    // Every execution is in the ledger by name.
    const ids = JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { id: string }[] };
    // Each execution says which run started it: how one left behind by a crash is recognised.
    for (const e of fake.executions) expect(e.env.BFTASK_RUN).toBe(ids.runs[0]?.id);
    const detail = JSON.parse((await p.bftask(['runs', ids.runs[0]?.id as string, '--json'])).stdout) as { attempts: { target: string; log: string }[] };
    expect(detail.attempts.filter((a) => a.target === 'remote')).toHaveLength(4);
  });

  it('remote steps run side by side beyond -j, up to the runner\'s own concurrency', async ({ expect }) => {
    // Each execution waits until three of them have started: only three at once lets them finish.
    const { p, fake } = await setUp({ remoteExtra: ", '--barrier', '3'" });
    p.write('backfill.config.ts', (await import('node:fs')).readFileSync(`${p.dir}/backfill.config.ts`, 'utf8').replace("end: '2024-01-04'", "end: '2024-01-06'"));
    const result = await run(p, ['remote', '-j', '1']);
    expect(result.code, result.stdout).toBe(0);
    expect(fake.executions).toHaveLength(6);
    expect(maxOverlap(fake.executions.map((e) => ({ from: e.createdAt, to: e.endedAt as number })))).toBe(3);
  });

  it('a failing execution fails its step, naming the execution and its logs', async ({ expect }) => {
    const { p, fake } = await setUp({ remoteExtra: ", '--fail-date', '2024-01-03'" });
    const result = await run(p, []);
    expect(result.code).toBe(1);
    const failed = fake.executions.find((e) => e.state === 'failed');
    expect(failed).toBeDefined();
    const id = failed?.name.split('/').pop();
    expect(result.stdout).toContain(
      `  remote 2024-01-03   execution ${failed?.name} failed: Task ${id}-task0 failed with exit code 3 (logs: https://console.cloud.google.com/logs/viewer?execution=${id})`,
    );
    expect(result.stdout).toContain('skipped because of it: local 1 date');
    expect(datesIn(p, 'remote_t')).toEqual(ALL.filter((d) => d !== '2024-01-03'));
  });

  it('Ctrl-C cancels the running executions: exit 130, nothing left running, a re-run completes', async ({ expect, onTestFinished }) => {
    const { p, fake } = await setUp({ remoteExtra: ", '--sleep', '60000'" });
    const child = p.spawn([], { env });
    onTestFinished(() => {
      if (!hasExited(child)) child.kill('SIGKILL');
    });
    await waitFor('three executions to run', () => fake.executions.filter((e) => e.pid !== undefined).length >= 3, 30_000);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, String(result.stdout)).toBe(130);
    expect(fake.requests.filter((r) => r.endsWith(':cancel'))).toHaveLength(3);
    expect(fake.executions.map((e) => e.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const pids = fake.executions.map((e) => e.pid as number);
    await waitFor('the executions\' processes to be gone', () => !pids.some(isAlive));
    p.write('backfill.config.ts', (await import('node:fs')).readFileSync(`${p.dir}/backfill.config.ts`, 'utf8').replace(", '--sleep', '60000'", ''));
    const rerun = await run(p, []);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(datesIn(p, 'remote_t')).toEqual(ALL);
  });

  it('after kill -9 of bftask, the next run cancels the dead run\'s executions and completes', async ({ expect, onTestFinished }) => {
    const { p, fake } = await setUp({ remoteExtra: ", '--sleep', '60000'" });
    const child = p.spawn([], { env });
    onTestFinished(() => {
      if (!hasExited(child)) child.kill('SIGKILL');
    });
    await waitFor('three executions to run', () => fake.executions.filter((e) => e.pid !== undefined).length >= 3, 30_000);
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    expect(fake.executions.filter((e) => e.state === 'running')).toHaveLength(3);
    p.write('backfill.config.ts', (await import('node:fs')).readFileSync(`${p.dir}/backfill.config.ts`, 'utf8').replace(", '--sleep', '60000'", ''));
    const rerun = await run(p, []);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/^bftask: remote: run \S+ \(pid \d+\) died during 3 steps: killed 3 steps it left running; recorded as orphaned$/m);
    expect(fake.executions.slice(0, 3).map((e) => e.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(datesIn(p, 'remote_t')).toEqual(ALL);
  });

  it.for([
    ['a job that does not exist', { job: 'nope' }, `runners.cloud: Cloud Run job projects/test-project/locations/us-west2/jobs/nope: not found (does the job exist in this project and region?)`],
  ] as const)('%s: one line, exit 2, no execution started', async ([, options, message], { expect }) => {
    const { p, fake } = await setUp(options);
    for (const args of [['-n'], []]) {
      const result = await run(p, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`bftask: ${message}`]);
    }
    expect(fake.executions).toEqual([]);
    expect(fake.requests.filter((r) => r.includes(':run'))).toEqual([]);
  });

  it('missing permissions: one line naming them, exit 2, no execution started', async ({ expect }) => {
    const { p, fake } = await setUp();
    fake.permissions = new Set(['run.jobs.get', 'run.executions.get']);
    const result = await run(p, []);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `bftask: runners.cloud: Cloud Run job ${JOB}: permission denied: needs run.jobs.run, run.executions.cancel (roles/run.developer has them)`,
    ]);
    expect(fake.executions).toEqual([]);
  });

  it('a SQLite warehouse with a runner that is not on this machine is a config error', async ({ expect }) => {
    const p = makeProject({
      'backfill.config.ts': `import { cloudRunJob, defineConfig, sqlite } from 'bftask';
export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: { start: '2024-01-01', end: '2024-01-02' },
  runners: { cloud: cloudRunJob({ projectId: 'test-project', location: 'us-west2', job: 'backfill' }) },
  targets: { a: { table: 'a_t', dateColumn: 'd', run: ['node', 'x.js'], runner: 'cloud' } },
});
`,
    });
    cleanup.push(() => p.remove());
    const result = await p.bftask(['status']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      'bftask: backfill.config.ts: targets.a.runner: "cloud" runs steps on Cloud Run, which cannot reach the SQLite file data/warehouse.db: use a BigQuery warehouse',
    ]);
  });
});
