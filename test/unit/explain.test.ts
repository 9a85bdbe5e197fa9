import { describe, expect, it } from 'vitest';
import { configOfTargets } from './validating.js';
import type { Config } from '../../src/config/config.js';
import type { TargetConfig } from '../../src/config/types.js';
import { explain } from '../../src/plan/explain.js';
import { plan, type Plan, type PlanInput } from '../../src/plan/plan.js';

/** `bftask why`'s core: each date's reason, down to the root cause. */

const JAN = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
const allBut = (...dates: string[]) => JAN.filter((d) => !dates.includes(d));

const configOf = (targets: Record<string, Partial<TargetConfig>>): Config => configOfTargets(targets, ['job']);

interface Setup {
  targets: Record<string, Partial<TargetConfig>>;
  /** Dates absent from each target's output; every other date of JAN is present. */
  missing?: Record<string, string[]>;
  force?: string[];
  /** Build times per target and date; `'*'` stands for every date not listed. */
  built?: Record<string, Record<string, number>>;
}

function setup(s: Setup): { input: PlanInput; plan: Plan } {
  const config = configOf(s.targets);
  const built = new Map(
    Object.entries(s.built ?? {}).map(([name, times]) => [
      name,
      new Map(JAN.flatMap((d): [string, number][] => (times[d] ?? times['*']) === undefined ? [] : [[d, (times[d] ?? times['*']) as number]])),
    ]),
  );
  const input: PlanInput = {
    config,
    selection: new Set(config.order),
    range: { start: JAN[0]!, end: JAN[JAN.length - 1]! },
    calendar: JAN,
    present: new Map(config.order.map((n) => [n, new Set(allBut(...(s.missing?.[n] ?? [])))])),
    force: new Set(s.force ?? []),
    built,
  };
  return { input, plan: plan(input) };
}

const why = (s: Setup, target: string, date: string) => {
  const { input, plan: p } = setup(s);
  return explain(input, p, target, date);
};

describe('explain', () => {
  const chain = { a: {}, b: { deps: ['a'] }, c: { deps: [{ target: 'b', lookback: 2 }] } };

  it.each<[string, Setup, string, string, unknown]>([
    ['an excluded date', { targets: { a: { exclude: ['2024-01-03'] } } }, 'a', '2024-01-03', { target: 'a', date: '2024-01-03', status: 'excluded' }],
    [
      'a present date with its build time',
      { targets: { a: {} }, built: { a: { '2024-01-02': 5 } }, missing: { a: ['2024-01-05'] } },
      'a',
      '2024-01-02',
      { target: 'a', date: '2024-01-02', status: 'up-to-date', built: 5 },
    ],
    ['a present date built outside bftask', { targets: { a: {} } }, 'a', '2024-01-02', { target: 'a', date: '2024-01-02', status: 'up-to-date', built: undefined }],
    [
      'the first pending date, missing',
      { targets: { a: {} }, missing: { a: ['2024-01-01', '2024-01-04'] } },
      'a',
      '2024-01-01',
      { target: 'a', date: '2024-01-01', status: 'pending', reason: 'missing' },
    ],
    [
      'a later pending date, missing',
      { targets: { a: {} }, missing: { a: ['2024-01-01', '2024-01-04'] } },
      'a',
      '2024-01-04',
      { target: 'a', date: '2024-01-04', status: 'pending', reason: 'missing' },
    ],
    ['a forced date', { targets: { a: {} }, force: ['a'] }, 'a', '2024-01-07', { target: 'a', date: '2024-01-07', status: 'pending', reason: 'forced' }],
    [
      // Within b's window 01-03..01-05 the newest input is a 01-04; a 01-02 is newer still but outside it.
      'a stale date names the newest input in its window, over every dependency',
      {
        targets: { a: {}, z: {}, b: { deps: [{ target: 'a', lookback: 2 }, 'z'] } },
        built: { a: { '*': 10, '2024-01-02': 100, '2024-01-03': 30, '2024-01-04': 40 }, z: { '*': 10, '2024-01-05': 35 }, b: { '*': 50, '2024-01-05': 20 } },
      },
      'b',
      '2024-01-05',
      { target: 'b', date: '2024-01-05', status: 'pending', reason: 'stale', built: 20, input: { target: 'a', date: '2024-01-04', built: 40 } },
    ],
    [
      'a stale date whose newest input is the same date, after inputs with no known time',
      {
        targets: { a: {}, b: { deps: [{ target: 'a', lookback: 2 }] } },
        built: { a: { '2024-01-04': 15, '2024-01-05': 40 }, b: { '*': 50, '2024-01-05': 20 } },
      },
      'b',
      '2024-01-05',
      { target: 'b', date: '2024-01-05', status: 'pending', reason: 'stale', built: 20, input: { target: 'a', date: '2024-01-05', built: 40 } },
    ],
    [
      'on a tie, the stale date names the first input by name, then date',
      {
        targets: { a: {}, z: {}, b: { deps: [{ target: 'a', lookback: 2 }, 'z'] } },
        built: { a: { '*': 10, '2024-01-03': 40, '2024-01-04': 40 }, z: { '*': 10, '2024-01-05': 40 }, b: { '*': 50, '2024-01-05': 20 } },
      },
      'b',
      '2024-01-05',
      { target: 'b', date: '2024-01-05', status: 'pending', reason: 'stale', built: 20, input: { target: 'a', date: '2024-01-03', built: 40 } },
    ],
    [
      'an upstream date names the pending date it reads, and why that one is pending',
      { targets: chain, missing: { a: ['2024-01-04'] } },
      'b',
      '2024-01-04',
      {
        target: 'b',
        date: '2024-01-04',
        status: 'pending',
        reason: 'upstream',
        input: { target: 'a', date: '2024-01-04' },
        because: { target: 'a', date: '2024-01-04', status: 'pending', reason: 'missing' },
      },
    ],
    [
      // c 01-05 reads b 01-03..01-05: the latest pending one there is 01-04, not 01-06 after it.
      'through a lookback, the latest pending date in the window, down to the root',
      { targets: chain, missing: { a: ['2024-01-03', '2024-01-04', '2024-01-06'] } },
      'c',
      '2024-01-05',
      {
        target: 'c',
        date: '2024-01-05',
        status: 'pending',
        reason: 'upstream',
        input: { target: 'b', date: '2024-01-04' },
        because: {
          target: 'b',
          date: '2024-01-04',
          status: 'pending',
          reason: 'upstream',
          input: { target: 'a', date: '2024-01-04' },
          because: { target: 'a', date: '2024-01-04', status: 'pending', reason: 'missing' },
        },
      },
    ],
    [
      'an upstream date at the start of the window',
      { targets: chain, missing: { a: ['2024-01-03'] } },
      'c',
      '2024-01-05',
      {
        target: 'c',
        date: '2024-01-05',
        status: 'pending',
        reason: 'upstream',
        input: { target: 'b', date: '2024-01-03' },
        because: {
          target: 'b',
          date: '2024-01-03',
          status: 'pending',
          reason: 'upstream',
          input: { target: 'a', date: '2024-01-03' },
          because: { target: 'a', date: '2024-01-03', status: 'pending', reason: 'missing' },
        },
      },
    ],
    [
      // a is pending only before c's window (01-05): b is the input.
      'the first dependency whose window holds a pending date',
      { targets: { a: {}, b: {}, c: { deps: ['a', 'b'] } }, missing: { a: ['2024-01-02'], b: ['2024-01-05'] } },
      'c',
      '2024-01-05',
      {
        target: 'c',
        date: '2024-01-05',
        status: 'pending',
        reason: 'upstream',
        input: { target: 'b', date: '2024-01-05' },
        because: { target: 'b', date: '2024-01-05', status: 'pending', reason: 'missing' },
      },
    ],
  ])('%s', (_, s, target, date, expected) => {
    expect(why(s, target, date)).toEqual(expected);
  });

  it('without build times, a present date is up to date with no time', () => {
    const { input, plan: p } = setup({ targets: { a: {} } });
    const { built: _, ...withoutTimes } = input;
    expect(explain(withoutTimes, p, 'a', '2024-01-02')).toEqual({ target: 'a', date: '2024-01-02', status: 'up-to-date', built: undefined });
  });

  it('a target outside the plan is an internal error', () => {
    const { input, plan: p } = setup({ targets: { a: {} } });
    expect(() => explain(input, p, 'ghost', '2024-01-02')).toThrow('Internal error: ghost is not in the plan');
    const narrowed = { ...p, targets: [] };
    expect(() => explain(input, narrowed, 'a', '2024-01-02')).toThrow('Internal error: a is not in the plan');
  });

  it('inputs that disagree with the plan are internal errors', () => {
    const stale = setup({ targets: { a: {}, b: { deps: ['a'] } }, built: { a: { '*': 10, '2024-01-05': 40 }, b: { '*': 20 } } });
    const { built: _, ...withoutTimes } = stale.input;
    expect(() => explain(withoutTimes, stale.plan, 'b', '2024-01-05')).toThrow(
      'Internal error: b 2024-01-05 is stale without a newer input',
    );
    expect(() => explain({ ...stale.input, built: new Map() }, stale.plan, 'b', '2024-01-05')).toThrow(
      'Internal error: b 2024-01-05 is stale without a newer input',
    );
    const ownTimeUnknown = new Map([...stale.input.built!].map(([n, t]) => [n, n === 'b' ? new Map() : t]));
    expect(() => explain({ ...stale.input, built: ownTimeUnknown }, stale.plan, 'b', '2024-01-05')).toThrow(
      'Internal error: b 2024-01-05 is stale without a newer input',
    );
    const upstream = setup({ targets: { a: {}, b: { deps: ['a'] } }, missing: { a: ['2024-01-05'] } });
    const cleared = { ...upstream.plan, targets: upstream.plan.targets.map((t) => (t.name === 'a' ? { ...t, pending: [], reasons: [] } : t)) };
    expect(() => explain(upstream.input, cleared, 'b', '2024-01-05')).toThrow('Internal error: b 2024-01-05 is pending after no pending input');
  });
});
