// Ctrl-C while bftask itself is writing a SQL target on BigQuery: it cancels its running job
// (a WRITE_TRUNCATE lands whole or not at all) and exits 130 without waiting for the job.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../cli/util.js';
import { days, seedTable, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';

const isWrite = (r: { method: string; path: string; body: unknown }) =>
  r.method === 'POST' && r.path.endsWith('/jobs') && JSON.stringify(r.body).includes('"tableId":"out$');

describe('interrupting a BigQuery write', () => {
  it('SIGINT cancels the running write job and exits 130 promptly', async () => {
    const targets = `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)} } }`;
    await withRig(
      { targets, range: RANGE },
      (fake) => {
        seedTable(fake, 'src.events', days(...RANGE));
        fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
        // Write jobs never finish by themselves; coverage reads do.
        fake.options.incompletePolls = (req) => (isWrite(req) ? 1_000_000 : 0);
      },
      async (rig) => {
        const run = rig.project.spawn([], {
          env: { HOME: rig.project.dir, CLOUDSDK_CONFIG: path.join(rig.project.dir, 'no-gcloud'), GCE_METADATA_HOST: rig.trap.host },
        });
        await waitFor('a write job to start', () => rig.fake.requests.some(isWrite));
        const sent = Date.now();
        run.kill('SIGINT');
        const result = await run;
        expect(result.exitCode, String(result.stdout)).toBe(130);
        expect(Date.now() - sent).toBeLessThan(4000);
        const cancels = rig.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
        expect(cancels.length).toBeGreaterThan(0);
        // Two writes per table at a time (the default): the third date's job was never started.
        expect(rig.fake.requests.filter(isWrite)).toHaveLength(2);
      },
    );
  });
});
