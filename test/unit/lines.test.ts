// The lines reporter's progress lines: one per running target, at most once a minute, with the
// target's dates, its rate and its ETA (from history before its first step ends). The clock is
// vitest's fake one, so a minute passes in no time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Plan, Step, TargetPlan } from '../../src/plan/plan.js';
import { linesReporter } from '../../src/report/lines.js';

const days = (start: number, n: number) => Array.from({ length: n }, (_, i) => `2024-01-${String(start + i).padStart(2, '0')}`);

function stepOf(target: string, dates: string[], needs: string[] = []): Step {
  const start = dates[0] as string;
  const end = dates[dates.length - 1] as string;
  return { id: `${target}:${start}_${end}`, target, start, end, dates, needs, action: { kind: 'command', argv: ['node', 'job.mjs', '--start-date', start] } };
}

function planOf(steps: Step[]): Plan {
  const names = [...new Set(steps.map((s) => s.target))];
  const targets = names.map((name): TargetPlan => {
    const mine = steps.filter((s) => s.target === name);
    const pending = mine.flatMap((s) => s.dates);
    return { name, label: `${name}_t`, expected: pending, present: 0, missing: pending, thin: [], forced: false, after: [], pending, reasons: pending.map(() => 'missing'), steps: mine };
  });
  return { range: { start: '2024-01-01', end: '2024-01-20' }, targets, steps };
}

describe('lines reporter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date(2026, 10, 25, 10, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const a1 = stepOf('a', days(1, 10));
  const a2 = stepOf('a', days(11, 10));
  const b1 = stepOf('b', days(1, 20), [a1.id, a2.id]);
  const plan = planOf([a1, a2, b1]);
  const info = {
    runId: 'r',
    logDir: '/logs',
    concurrency: 1,
    history: new Map([['a', { startupMs: 0, perDateMs: 60_000 }], ['b', { startupMs: 0, perDateMs: 60_000 }]]),
  };
  const event = (type: 'attempt-started' | 'attempt-ended', step: Step, extra: Record<string, unknown> = {}) =>
    ({ type, step, planned: step, attempt: 1, log: `/logs/${step.id}.log`, failure: undefined, ms: 0, ...extra }) as never;

  it('prints one progress line per running target once a minute, with its ETA from history and then its rate', () => {
    const lines: string[] = [];
    const reporter = linesReporter((l) => lines.push(l), [...days(1, 20)], (f) => f, { progressEveryMs: 60_000 });
    reporter.start(plan, info);
    reporter.event(event('attempt-started', a1));
    lines.length = 0;
    vi.advanceTimersByTime(59_999);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    // a: 10 dates at a minute each, one of them gone by, then 10 more; b is not running: no line.
    expect(lines).toEqual(['2026-11-25 10:01:00 a 0/20 dates · ETA 19m00s']);
    vi.advanceTimersByTime(9 * 60_000);
    reporter.event(event('attempt-ended', a1, { ms: 10 * 60_000 }));
    reporter.event(event('attempt-started', a2));
    lines.length = 0;
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual(['2026-11-25 10:11:00 a 10/20 dates · 55 dates/h · ETA 9m00s']);
    void reporter.finish();
    lines.length = 0;
    vi.advanceTimersByTime(10 * 60_000);
    expect(lines).toEqual([]);
  });

  it('quiet: failures only; verbose: each command line', () => {
    const quiet: string[] = [];
    const q = linesReporter((l) => quiet.push(l), [...days(1, 20)], (f) => f, { quiet: true });
    q.start(plan, info);
    q.event(event('attempt-started', a1));
    q.event(event('attempt-ended', a1, { ms: 5 }));
    q.event(event('attempt-started', a2));
    q.event(event('attempt-ended', a2, { ms: 5, failure: { reason: 'exit-non-zero', code: 3 } }));
    vi.advanceTimersByTime(5 * 60_000);
    expect(quiet).toEqual([expect.stringMatching(/^\S+ \S+ FAIL {2}a 2024-01-11\.\.2024-01-20 \(10 dates\): exited with code 3 · log \/logs\/a:2024-01-11_2024-01-20\.log$/)]);
    void q.finish();

    const verbose: string[] = [];
    const v = linesReporter((l) => verbose.push(l), [...days(1, 20)], (f) => f, { verbose: true });
    v.start(plan, info);
    v.event(event('attempt-started', a1));
    expect(verbose[1]).toMatch(/ start a 2024-01-01\.\.2024-01-10 \(10 dates\): node job\.mjs --start-date 2024-01-01$/);
    void v.finish();
  });
});
