import { describe, expect, it } from 'vitest';
import { configOfTargets } from './validating.js';
import type { Config } from '../../src/config/config.js';
import type { TargetConfig } from '../../src/config/types.js';
import { parseStepId, plan, planningStart, reachBack, stepFor, stepId, type PlanInput } from '../../src/plan/plan.js';
/**
 * The planner's edges, beyond the everyday rules in plan.test.ts. Configs are built inside each
 * test, never while the file loads: Stryker must rerun every test, in a fresh process, for a
 * mutant of code that runs at load time.
 */

const run = ['job', '{start}', '{end}'];

const configOf = (targets: Record<string, Partial<TargetConfig>>): Config => configOfTargets(targets, run);

const JAN = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
const allBut = (...dates: string[]) => JAN.filter((d) => !dates.includes(d));

/** A plan of every target over JAN unless `input` says otherwise. */
function planWith(config: Config, input: Partial<PlanInput> & { present?: PlanInput['present'] }) {
  return plan({
    config,
    selection: new Set(config.order),
    range: { start: JAN[0]!, end: JAN[JAN.length - 1]! },
    calendar: JAN,
    present: new Map(),
    force: new Set(),
    ...input,
  });
}

const presentOf = (dates: Record<string, string[]>) => new Map(Object.entries(dates).map(([k, v]) => [k, new Set(v)]));

describe('reachBack', () => {
  const chain = () => configOf({
    a: {},
    b: { deps: [{ target: 'a', lookback: 2 }] },
    c: { deps: [{ target: 'b', lookback: 3 }, { target: 'a', lookback: 1 }] },
  });

  it.each<[string, string[], Record<string, number>]>([
    // c reads b 3 days back, and b reads a 2 more: a must cover 5 days, more than c's own 1.
    ['adds lookbacks along a chain and keeps the longest path', ['a', 'b', 'c'], { a: 5, b: 3, c: 0 }],
    // c is not selected, so its lookbacks stretch nothing.
    ['ignores dependents outside the selection', ['a', 'b'], { a: 2, b: 0 }],
    ['a target alone reaches back 0 days', ['a'], { a: 0 }],
  ])('%s', (_, selection, expected) => {
    expect(Object.fromEntries(reachBack(chain(), new Set(selection)))).toEqual(expected);
  });

  it('a build of the upstream target alone does not plan the history its dependents would read', () => {
    const narrowed = plan({
      config: chain(),
      selection: new Set(['a']),
      range: { start: '2024-01-06', end: '2024-01-10' },
      floor: '2024-01-01',
      calendar: JAN,
      present: new Map(),
      force: new Set(),
    });
    expect(narrowed.targets.map((t) => [t.name, t.expected])).toEqual([['a', JAN.slice(5)]]);
  });
});

describe('planningStart', () => {
  const range = { start: '2024-01-10', end: '2024-01-20' };
  it.each<[string, string | undefined, number, string]>([
    ['without a floor (status): the range start', undefined, 3, '2024-01-10'],
    ['no lookback: the range start', '2024-01-01', 0, '2024-01-10'],
    ['the lookback, when the floor is further back', '2024-01-01', 3, '2024-01-07'],
    ['the floor, when the lookback reaches past it', '2024-01-08', 3, '2024-01-08'],
    ['the range start, when the floor is the range start', '2024-01-10', 3, '2024-01-10'],
    // --from earlier than the config's start: nothing before --from, and --from itself is planned.
    ['the range start, when the floor is after it', '2024-01-15', 3, '2024-01-10'],
    ['across a month boundary', '2023-12-01', 12, '2023-12-29'],
  ])('%s', (_, floor, days, expected) => {
    expect(planningStart(range, floor, days)).toBe(expected);
  });

  it('with --from before the config start, plans from --from', () => {
    const config = configOf({ a: {}, b: { deps: [{ target: 'a', lookback: 2 }] } });
    const p = planWith(config, { range: { start: '2024-01-03', end: '2024-01-10' }, floor: '2024-01-05', calendar: JAN });
    expect(p.targets.map((t) => t.expected[0])).toEqual(['2024-01-03', '2024-01-03']);
  });
});

describe('step ids', () => {
  it.each([
    ['a', '2024-01-01', '2024-01-01'],
    ['pcf-v2_x', '2023-12-30', '2024-01-02'],
  ])('parseStepId reads back stepId(%s, %s, %s)', (target, start, end) => {
    const id = stepId(target, start, end);
    expect(id).toBe(`${target}:${start}_${end}`);
    expect(parseStepId(id)).toEqual({ target, start, end });
  });

  it.each([
    'a',
    'a:2024-01-01',
    'a:2024-01-01_2024-01-02x',
    'a:2024-01-01_2024-01-02_2024-01-03x',
    'a:24-01-01_2024-01-02',
    'a:2024-1-01_2024-01-02',
    'a:2024-01-1_2024-01-02',
    'a:2024-01-01_24-01-02',
    'a:2024-01-01_2024-1-02',
    'a:2024-01-01_2024-01-2',
    'a:abcd-01-01_2024-01-02',
    'a:2024-01-01_2024-ab-02',
    // A target name never holds a line break: the whole text must be one id.
    'x\na:2024-01-01_2024-01-02',
  ])('parseStepId rejects %j', (id) => {
    expect(() => parseStepId(id)).toThrow(`Internal error: not a step id: ${id}`);
  });
});

describe('plan', () => {
  it('a selected target missing from the config is an internal error', () => {
    const config = configOf({ a: {} });
    const broken = { targets: config.targets, order: [...config.order, 'ghost'] };
    expect(() => planWith(config, { config: broken, selection: new Set(['a', 'ghost']) })).toThrow('Internal error: no target ghost');
  });

  it('a SQL target steps with its SELECT as is: placeholders are for commands only', () => {
    const sql = 'SELECT d, {start} AS x FROM src WHERE d BETWEEN @start AND @end';
    const config = configOf({ a: { sql, run: undefined } as Partial<TargetConfig> });
    const p = planWith(config, { present: presentOf({ a: allBut('2024-01-02') }) });
    expect(p.steps.map((s) => [s.id, s.action])).toEqual([['a:2024-01-02_2024-01-02', { kind: 'sql', sql }]]);
  });

  it('plans nothing after the range end, even where the calendar goes on', () => {
    const config = configOf({ a: {} });
    const p = planWith(config, { range: { start: '2024-01-01', end: '2024-01-04' }, calendar: JAN });
    expect(p.targets[0]?.expected).toEqual(JAN.slice(0, 4));
    expect(p.steps.map((s) => s.id)).toEqual(['a:2024-01-01_2024-01-04']);
  });

  it('lists pending dates sorted when missing ones and ones after an upstream interleave', () => {
    const config = configOf({ a: {}, b: { deps: ['a'] } });
    const p = planWith(config, { present: presentOf({ a: allBut('2024-01-02'), b: allBut('2024-01-05') }) });
    expect(p.targets.find((t) => t.name === 'b')?.pending).toEqual(['2024-01-02', '2024-01-05']);
    expect(p.steps.filter((s) => s.target === 'b').map((s) => s.id)).toEqual(['b:2024-01-02_2024-01-02', 'b:2024-01-05_2024-01-05']);
  });

  it('names no upstream when its pending dates change nothing already present', () => {
    const config = configOf({ a: {}, b: { deps: ['a'] } });
    // b is missing the one date a rebuilds: pending as missing, not because of a.
    const p = planWith(config, { present: presentOf({ a: allBut('2024-01-03'), b: allBut('2024-01-03') }) });
    const b = p.targets.find((t) => t.name === 'b');
    expect(b?.pending).toEqual(['2024-01-03']);
    expect(b?.after).toEqual([]);
  });

  it('counts present dates made pending per upstream target', () => {
    const config = configOf({ a: {}, b: {}, c: { deps: [{ target: 'a', lookback: 1 }, 'b'] } });
    const p = planWith(config, { present: presentOf({ a: allBut('2024-01-02'), b: allBut('2024-01-08'), c: JAN }) });
    const c = p.targets.find((t) => t.name === 'c');
    expect(c?.after).toEqual([
      { target: 'a', count: 2 },
      { target: 'b', count: 1 },
    ]);
    expect(c?.pending).toEqual(['2024-01-02', '2024-01-03', '2024-01-08']);
  });
});

describe('staleness edges', () => {
  const times = (t: number, except: Record<string, number> = {}) => new Map(JAN.map((d) => [d, except[d] ?? t]));

  it('a target whose every date is excluded plans nothing, whatever the build times', () => {
    const config = configOf({ a: {}, b: { deps: ['a'], exclude: JAN } });
    const p = planWith(config, { present: presentOf({ a: JAN, b: [] }), built: new Map([['a', times(30)], ['b', times(20)]]) });
    expect(p.targets.map((t) => [t.name, t.expected, t.pending])).toEqual([
      ['a', JAN, []],
      ['b', [], []],
    ]);
  });

  it('a missing or forced date keeps that reason even when its inputs are newer', () => {
    const config = configOf({ a: {}, b: { deps: ['a'] } });
    const p = planWith(config, {
      present: presentOf({ a: JAN, b: allBut('2024-01-02') }),
      force: new Set(['b']),
      built: new Map([['a', times(30)], ['b', times(20)]]),
    });
    const b = p.targets.find((t) => t.name === 'b')!;
    expect(b.reasons).toEqual(JAN.map((d) => (d === '2024-01-02' ? 'missing' : 'forced')));
  });

  it('an input newer than the start of the window, just before --from, makes the first dates stale', () => {
    const config = configOf({ a: {}, b: { deps: [{ target: 'a', lookback: 2 }] } });
    const p = planWith(config, {
      range: { start: '2024-01-06', end: '2024-01-10' },
      floor: '2024-01-01',
      present: presentOf({ a: JAN, b: JAN }),
      built: new Map([['a', times(10, { '2024-01-05': 30 })], ['b', times(20)]]),
    });
    expect(p.targets.find((t) => t.name === 'b')?.pending).toEqual(['2024-01-06', '2024-01-07']);
  });
});

describe('stepFor', () => {
  const target = () => configOf({ a: {} }).targets.get('a')!;

  it('a step with no dates is an internal error', () => {
    expect(() => stepFor(target(), [], [])).toThrow('Internal error: a step of a with no dates');
  });

  it('narrows to the dates given, keeping the needs given', () => {
    expect(stepFor(target(), ['2024-01-03', '2024-01-04'], ['x:2024-01-01_2024-01-04'])).toEqual({
      id: 'a:2024-01-03_2024-01-04',
      target: 'a',
      start: '2024-01-03',
      end: '2024-01-04',
      dates: ['2024-01-03', '2024-01-04'],
      action: { kind: 'command', argv: ['job', '2024-01-03', '2024-01-04'] },
      needs: ['x:2024-01-01_2024-01-04'],
    });
  });
});
