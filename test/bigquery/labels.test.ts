// One run id: every job bftask sends during a build carries, as bftask_run, exactly the name of
// the run's log folder — also when another run took that second's folder and this one is `-2`.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { newRunId } from '../../src/run/logs.js';
import { days, seedTable, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-02'] as const;
const SQL = 'SELECT d, COUNT(*) AS n FROM src.events WHERE d BETWEEN @start AND @end GROUP BY d';

it('bftask_run on every read and write of a build is the run folder name, -2 suffix included', async () => {
  await withRig(
    { targets: `{ out: { table: 'mart.out', dateColumn: 'd', sql: ${JSON.stringify(SQL)} } }`, range: RANGE },
    (fake) => {
      seedTable(fake, 'src.events', days(...RANGE));
      fake.createTable('mart.out', [{ name: 'd', type: 'DATE' }, { name: 'n', type: 'INT64' }], { partitionField: 'd' });
    },
    async (rig) => {
      // Other runs hold the folders of the next minute, so this run's id must get a suffix.
      const logs = path.join(rig.project.dir, '.bftask', 'logs');
      const now = Date.now();
      for (let s = 0; s < 60; s++) fs.mkdirSync(path.join(logs, newRunId(new Date(now + s * 1000))), { recursive: true });

      // The same local time in bftask as here, whatever TZ this process has.
      const result = await rig.bftask([], { env: { TZ: Intl.DateTimeFormat().resolvedOptions().timeZone } });
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      const folder = fs.readlinkSync(path.join(logs, 'latest'));
      expect(folder).toMatch(/^\d{8}-\d{6}-2$/);
      expect(fs.readdirSync(path.join(logs, folder))).toEqual(['out']);

      const jobs = rig.fake.jobs();
      // The coverage read, the two writes and the check after the step.
      expect(jobs.map((j) => j.labels.bftask_target).sort()).toEqual(['coverage', 'coverage', 'out', 'out']);
      expect(new Set(jobs.map((j) => j.labels.bftask_run))).toEqual(new Set([folder]));
    },
  );
});
