// Freshness on BigQuery: partition modification times (INFORMATION_SCHEMA.PARTITIONS) make a
// downstream partition stale when its input was modified after it, with no ledger at all (the
// write could have been made by anyone, outside bftask).
import { expect, it } from 'vitest';
import { days, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;
const TARGETS = `{
  box: { table: 'src.box', dateColumn: 'd', run: writer('src.box') },
  feat: { table: 'src.feat', dateColumn: 'd', deps: [{ target: 'box', lookback: 1 }], run: writer('src.feat') },
}`;
const schema = [{ name: 'd', type: 'DATE' }, { name: 'v', type: 'INT64' }];

it('a partition modified after the partitions built from it makes them stale, without any ledger', async () => {
  await withRig(
    { targets: TARGETS, range: [...RANGE] },
    (fake) => {
      fake.createTable('src.box', schema, { partitionField: 'd' });
      fake.createTable('src.feat', schema, { partitionField: 'd' });
      fake.insertRows('src.box', days(...RANGE).map((d) => ({ d, v: 1 })));
      fake.insertRows('src.feat', days(...RANGE).map((d) => ({ d, v: 1 })));
    },
    async (rig) => {
      const plan = async () =>
        Object.fromEntries(
          (JSON.parse((await rig.bftask(['--dry-run', '--json'])).stdout) as { targets: { name: string; reasons: Record<string, string> }[] }).targets.map((t) => [
            t.name,
            t.reasons,
          ]),
        );
      expect(await plan()).toEqual({ box: {}, feat: {} });
      // Someone reloads one day of box, after feat was built.
      await new Promise((resolve) => setTimeout(resolve, 5));
      rig.fake.insertRows('src.box', [{ d: '2024-01-03', v: 2 }]);
      const [box3] = rig.fake.partitions('src.box').filter((p) => p.partitionId === '20240103');
      const [feat3] = rig.fake.partitions('src.feat').filter((p) => p.partitionId === '20240103');
      expect(box3!.lastModifiedTime).toBeGreaterThan(feat3!.lastModifiedTime);
      expect(await plan()).toEqual({ box: {}, feat: { '2024-01-03': 'stale', '2024-01-04': 'stale' } });
      // --no-stale plans from presence alone.
      const presence = JSON.parse((await rig.bftask(['--dry-run', '--json', '--no-stale'])).stdout) as { targets: { pending: string[] }[] };
      expect(presence.targets.map((t) => t.pending)).toEqual([[], []]);
    },
  );
});
