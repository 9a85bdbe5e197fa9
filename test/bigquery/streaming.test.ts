// A processor that streams its rows (tabledata.insertAll): they sit in BigQuery's streaming buffer,
// which INFORMATION_SCHEMA.PARTITIONS reports as partition __STREAMING_UNPARTITIONED__ rather than
// as their dates, for minutes. bftask reads the dates of such a table with a scan, so the step's
// check passes and a status right after sees them.
import { expect, it } from 'vitest';
import { compact, days, isDistinctQuery, isPartitionsQuery, param, seedTable, sentQueries, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-03'] as const;
const ALL = days(...RANGE);
const TARGETS = `{ events: { table: 'src.events', dateColumn: 'd', run: writer('src.events', '--stream') } }`;

it('a streaming processor passes its check, and its dates count while still in the streaming buffer', async () => {
  await withRig(
    { targets: TARGETS, range: RANGE },
    // Day-partitioned on d, holding the 1st already (in its partition).
    (fake) => seedTable(fake, 'src.events', ALL.slice(0, 1)),
    async (rig) => {
      const build = await rig.bftask([]);
      expect(build.stderr).toBe('');
      expect(build.code, build.stdout).toBe(0);
      expect(build.stdout).toContain('✔ 1 step, 2 dates built');
      // The rows never reached their partitions: the metadata alone lacks the 2nd and 3rd.
      // The rows (two per date) never reached their partitions: the metadata alone lacks the 2nd and 3rd.
      expect(rig.fake.partitions('src.events').map((p) => [p.partitionId, p.totalRows])).toEqual([
        [compact(ALL[0]!), 1],
        ['__STREAMING_UNPARTITIONED__', 4],
      ]);

      const from = rig.fake.requests.length;
      const status = await rig.bftask(['status', '--json']);
      expect(status.stderr).toBe('');
      expect(status.code, status.stdout).toBe(0);
      expect(JSON.parse(status.stdout).targets[0].missing).toEqual([]);
      // The metadata query saw the buffer; a scan of the range read the dates in it.
      const queries = sentQueries(rig.since(from));
      expect(queries.filter(isPartitionsQuery)).toHaveLength(1);
      const scans = queries.filter(isDistinctQuery);
      expect(scans.map((q) => [param(q, 'start')?.value, param(q, 'end')?.value])).toEqual([[RANGE[0], RANGE[1]]]);
    },
  );
});
