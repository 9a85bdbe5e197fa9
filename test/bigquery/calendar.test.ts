// A calendar read from a BigQuery table: its gaps decide which dates are expected and how steps
// are cut (runs of consecutive calendar dates, so a step can span days the calendar skips), and
// the read is labelled `calendar`.
import { expect, it } from 'vitest';
import { isDistinctQuery, param, sentQueries, withRig } from './cli-rig.js';

const GAME_DAYS = ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06', '2024-01-09'];
const TARGETS = `{
  box: { table: 'src.box', dateColumn: 'd', run: writer('src.box'), shard: 3 },
  feat: { table: 'src.feat', dateColumn: 'd', deps: ['box'], run: writer('src.feat') },
}`;

it('a calendar table with gaps: only its dates are expected, steps run over calendar-consecutive dates, the read says calendar', async () => {
  await withRig(
    { targets: TARGETS, range: ['2024-01-01', '2024-01-10'], extra: `calendar: { table: 'nba.schedule', dateColumn: 'game_date' },` },
    (fake) => {
      fake.createTable('nba.schedule', [{ name: 'game_date', type: 'DATE' }, { name: 'game', type: 'STRING' }]);
      fake.insertRows('nba.schedule', [...GAME_DAYS, '2024-01-02', '2023-12-30', '2024-01-11'].map((game_date) => ({ game_date, game: 'x' })));
      fake.createTable('src.box', [{ name: 'd', type: 'DATE' }, { name: 'user_id', type: 'STRING' }], { partitionField: 'd' });
      fake.insertRows('src.box', [{ d: '2024-01-06', user_id: 'u' }]);
    },
    async (rig) => {
      const result = await rig.bftask(['--dry-run', '--json']);
      expect(result.stderr).toBe('');
      const targets = (JSON.parse(result.stdout) as { targets: { name: string; pending: string[]; steps: { start: string; end: string }[] }[] }).targets;
      const plan = Object.fromEntries(targets.map((t) => [t.name, { pending: t.pending, steps: t.steps.map((s) => `${s.start}..${s.end}`) }]));
      expect(plan).toEqual({
        // The 6th is present and ends a run; 1st, 2nd and 5th are calendar-consecutive (3 at most).
        box: { pending: ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-09'], steps: ['2024-01-01..2024-01-05', '2024-01-09..2024-01-09'] },
        feat: { pending: GAME_DAYS, steps: ['2024-01-01..2024-01-09'] },
      });

      // One read of the calendar for the range, labelled calendar.
      const [calendar, ...others] = sentQueries(rig.fake.requests).filter(isDistinctQuery);
      expect(others).toEqual([]);
      expect(calendar!.sql).toContain('FROM `test-project.nba.schedule`');
      expect(calendar!.labels.bftask_target).toBe('calendar');
      expect([param(calendar!, 'start')?.value, param(calendar!, 'end')?.value]).toEqual(['2024-01-01', '2024-01-10']);
    },
  );
});
