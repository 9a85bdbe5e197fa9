// Ctrl-C while bftask itself is writing a SQL target on BigQuery: it cancels its running jobs (a
// WRITE_TRUNCATE lands whole or not at all, and a cancelled one not at all), starts no other, and
// exits 130; a re-run then writes every date.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../cli/util.js';
import { days, offlineEnv, seedTable, withRig, writeInto } from './cli-rig.js';
import type { RecordedRequest } from './fake-server.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const ALL = days(...RANGE);
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';
const isWrite = (r: RecordedRequest) => ALL.some((d) => writeInto(`mart.out$${d.replaceAll('-', '')}`)(r));

describe('interrupting BigQuery writes', () => {
  it('SIGINT cancels the running write jobs, which write nothing, and exits 130; a re-run writes every date', async () => {
    const targets = `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)} } }`;
    await withRig(
      { targets, range: RANGE },
      (fake) => {
        seedTable(fake, 'src.events', ALL);
        fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
        // Write jobs never finish by themselves; coverage reads do.
        fake.options.incompletePolls = (req) => (isWrite(req) ? 1_000_000 : 0);
      },
      async (rig) => {
        const env = offlineEnv(rig.project.dir, rig.trap);
        const run = rig.project.spawn([], { env });
        // Two writes per table at a time (the default): wait until both run.
        await waitFor('two write jobs to be running', () => rig.fake.jobs().filter((j) => j.destination && j.state === 'RUNNING').length === 2);
        run.kill('SIGINT');
        const result = await run;
        expect(result.exitCode, String(result.stdout)).toBe(130);

        // Both were cancelled while running, the third date's job never started, and nothing landed.
        const writes = rig.fake.jobs().filter((j) => j.destination !== undefined);
        expect(writes.map((j) => [j.state, j.cancelled])).toEqual([
          ['DONE', true],
          ['DONE', true],
        ]);
        expect(rig.fake.rows('mart.out')).toEqual([]);

        rig.fake.options.incompletePolls = 0;
        const rerun = await rig.bftask([]);
        expect(rerun.stderr).toBe('');
        expect(rerun.code, rerun.stdout).toBe(0);
        expect(rerun.stdout).toContain(`✔ 1 step, ${ALL.length} dates built`);
        expect(rig.fake.rows('mart.out').map((r) => r.d).sort()).toEqual(ALL);
      },
    );
  });
});
