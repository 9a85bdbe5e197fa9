// Date columns that are not DATEs, through the real CLI: DATETIME and TIMESTAMP columns are read
// through DATE(col) with a range filter in the column's own type (BigQuery compares no DATE
// parameter with them), for targets and for the calendar; a column of another type, or one the
// table lacks, is one line and exit 2 before anything runs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeBigQuery } from './fake-server.js';
import { isDistinctQuery, param, type SentQuery, sentQueries, withRig } from './cli-rig.js';

const RANGE = ['2024-01-01', '2024-01-05'] as const;

const TARGETS = `{
  hits: { table: 'raw.hits', dateColumn: 'seen_at', run: writer('raw.hits') },
  applogs: { table: 'raw.logs', dateColumn: 'ts', run: writer('raw.logs') },
}`;

function seed(fake: FakeBigQuery): void {
  // Game days 01, 02, 03 and 05 (two games on the 2nd); the 6th lies outside the range.
  fake.createTable('raw.games', [{ name: 'starts_at', type: 'TIMESTAMP' }]);
  fake.insertRows('raw.games', ['2024-01-01T18:00:00Z', '2024-01-02T01:00:00Z', '2024-01-02T20:00:00Z', '2024-01-03T00:00:00Z', '2024-01-05T23:59:59.999Z', '2024-01-06T00:00:00Z'].map((starts_at) => ({ starts_at })));
  // DATETIME, not partitioned: present on the 1st and (just before midnight) the 3rd.
  fake.createTable('raw.hits', [{ name: 'seen_at', type: 'DATETIME' }]);
  fake.insertRows('raw.hits', ['2024-01-01 00:00:00', '2024-01-03 23:59:59.5', '2024-01-06 00:00:00'].map((seen_at) => ({ seen_at })));
  // TIMESTAMP, partitioned by MONTH on it: partition metadata cannot say which days.
  fake.createTable('raw.logs', [{ name: 'ts', type: 'TIMESTAMP' }], { partitionField: 'ts', partitionType: 'MONTH' });
  fake.insertRows('raw.logs', ['2023-12-31T23:59:59Z', '2024-01-02T12:00:00Z', '2024-01-05T00:00:00Z'].map((ts) => ({ ts })));
}

const fromTable = (q: SentQuery) => /FROM `test-project\.raw\.(\w+)`/.exec(q.sql)?.[1];

describe.concurrent('dates in DATETIME and TIMESTAMP columns', () => {
  it('targets and a calendar with DATETIME and TIMESTAMP dates: DATE(col), filtered in the column type', async () => {
    await withRig({ targets: TARGETS, range: RANGE, extra: `calendar: { table: 'raw.games', dateColumn: 'starts_at' },` }, seed, async (rig) => {
      const result = await rig.bftask(['status', '--json']);
      expect(result.stderr).toBe('');
      const targets = (JSON.parse(result.stdout) as { targets: { name: string; expected: number; missing: string[] }[] }).targets;
      expect(Object.fromEntries(targets.map((t) => [t.name, [t.expected, t.missing]]))).toEqual({
        hits: [4, ['2024-01-02', '2024-01-05']],
        applogs: [4, ['2024-01-01', '2024-01-03']],
      });

      const queries = sentQueries(rig.fake.requests).filter(isDistinctQuery);
      expect(queries.map(fromTable).sort()).toEqual(['games', 'hits', 'logs']);
      const types = { games: ['starts_at', 'TIMESTAMP'], hits: ['seen_at', 'DATETIME'], logs: ['ts', 'TIMESTAMP'] } as const;
      for (const q of queries) {
        const [column, type] = types[fromTable(q) as keyof typeof types];
        expect(q.sql).toMatch(new RegExp(`SELECT DISTINCT DATE\\(\`${column}\`\\) AS d[\\s\\S]*WHERE \`${column}\` >= @start AND \`${column}\` < @end`));
        // The day after the range's end, at midnight, in the column's type.
        expect(param(q, 'start')).toEqual({ type, value: type === 'DATETIME' ? '2024-01-01 00:00:00' : '2024-01-01T00:00:00.000Z' });
        expect(param(q, 'end')).toEqual({ type, value: type === 'DATETIME' ? '2024-01-06 00:00:00' : '2024-01-06T00:00:00.000Z' });
        // Calendar reads are labelled as such.
        expect(q.labels.bftask_target).toBe(fromTable(q) === 'games' ? 'calendar' : 'coverage');
      }
    });
  });

  it.each([
    ['a STRING date column', `{ cal: { table: 'raw.cal', dateColumn: 'day', run: writer('raw.cal') } }`, 'bftask: column "day" of test-project.raw.cal is STRING: bftask reads dates from a DATE, DATETIME or TIMESTAMP column'],
    ['a column the table lacks', `{ cal: { table: 'raw.cal', dateColumn: 'd', run: writer('raw.cal') } }`, 'bftask: table test-project.raw.cal has no column "d"'],
  ])('%s: one line, exit 2, nothing run', async (_name, targets, line) => {
    const seedString = (fake: FakeBigQuery) => {
      fake.createTable('raw.cal', [{ name: 'day', type: 'STRING' }]);
      fake.insertRows('raw.cal', [{ day: '2024-01-01' }]);
    };
    await withRig({ targets, range: RANGE }, seedString, async (rig) => {
      const result = await rig.bftask([]);
      expect(result.code, result.stdout).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(line);
      // Found from tables.get alone: no query, no step.
      expect(rig.fake.jobs()).toEqual([]);
      expect(fs.existsSync(path.join(rig.project.dir, 'writer.log'))).toBe(false);
    });
  });
});
