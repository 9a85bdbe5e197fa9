// The report's cells, pure: each state from coverage, the plan's reasons and the last attempt —
// thin dates (present, failing their data checks) included — and the status table's thin column.
import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/ledger/ledger.js';
import { heatmapRow } from '../../src/report/html/heatmap.js';
import { renderReport } from '../../src/report/html/page.js';

const calendar = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06'];

const failedAttempt = (dates: string[]): AttemptRecord => ({
  id: 7,
  runId: 'r1',
  stepId: 't:x',
  target: 't',
  dates,
  argv: [],
  attempt: 1,
  log: '/p/.bftask/logs/r1/t/x.log',
  started: 0,
  ended: 1,
  outcome: 'failed',
  message: 'still thin: 2 rows, minRows 10',
  next: undefined,
  execution: undefined,
  start: dates[0] as string,
  end: dates[dates.length - 1] as string,
  process: undefined,
});

describe('heatmap cells', () => {
  it('present, stale, thin, failed while thin, missing, excluded', () => {
    const row = heatmapRow({
      name: 't',
      calendar,
      expected: new Set(calendar.slice(0, 5)),
      missing: new Set(['2024-01-05']),
      thin: new Set(['2024-01-03', '2024-01-04']),
      pending: new Map([
        ['2024-01-02', 'stale'],
        ['2024-01-03', 'check'],
        ['2024-01-04', 'check'],
        ['2024-01-05', 'missing'],
      ]),
      lastAttempt: (date) => (date === '2024-01-04' ? failedAttempt(['2024-01-04']) : undefined),
      shownPath: (f) => f.replace('/p/', ''),
    });
    expect(row.cells).toBe('pstfmx');
    expect(row.counts).toEqual({ present: 1, stale: 1, thin: 1, missing: 1, failed: 1, running: 0, excluded: 1 });
    expect(Object.fromEntries(row.notes)).toEqual({
      1: 'stale: an input it reads was built after it',
      2: 'present, but fails its data checks (minRows or check): to be rebuilt',
      3: 'failed in run r1: still thin: 2 rows, minRows 10 · log .bftask/logs/r1/t/x.log',
    });

    const page = renderReport({
      title: 'p',
      range: { start: '2024-01-01', end: '2024-01-06' },
      warehouse: 'w.db',
      generated: 0,
      calendar,
      targets: [{ ...row, label: 't_t', expected: 5, present: 2, missing: 1, thin: 2, gaps: '2024-01-05; thin 2024-01-03..2024-01-04' }],
      runs: [],
      shownPath: (f) => f,
    });
    expect(page).toContain('<th>target</th><th>table</th><th class="num">expected</th><th class="num">present</th><th class="num">thin</th><th class="num">missing</th>');
    expect(page).toContain('<td class="num">2</td><td class="num bad">2</td><td class="num bad">1</td>');
    expect(page).toContain('<i class="t"></i>thin (fails its data checks) <b>1</b>');
    expect(page).toContain('1 of 1 target incomplete: t');
  });
});
