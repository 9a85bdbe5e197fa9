import { describe, expect, it } from 'vitest';
import { configOfTargets } from './validating.js';
import type { Config } from '../../src/config/config.js';
import type { TargetConfig } from '../../src/config/types.js';
import { plan, type Plan } from '../../src/plan/plan.js';
import { planJson } from '../../src/report/plan.js';
import type { SqlEstimate } from '../../src/warehouse/warehouse.js';
import { eachDay } from '../../src/util/dates.js';

const run = ['job', '--start-date', '{start}', '--end-date', '{end}', '--table', '{table}'];

const configOf = (targets: Record<string, Partial<TargetConfig>>): Config => configOfTargets(targets, run);

interface Case {
  targets: Record<string, Partial<TargetConfig>>;
  calendar?: string[];
  present?: Record<string, string[]>;
  force?: string[];
  roots?: string[];
  /** Build times per target: date → ms. */
  built?: Record<string, Record<string, number>>;
  presenceOnly?: boolean;
  /** Present dates that fail their data checks. */
  failing?: Record<string, string[]>;
}

const JAN = eachDay('2024-01-01', '2024-01-10');

function planOf(c: Case): Plan {
  const config = configOf(c.targets);
  const calendar = c.calendar ?? JAN;
  const roots = c.roots ?? [...config.targets.keys()];
  const selection = new Set<string>();
  const add = (n: string) => {
    selection.add(n);
    for (const d of config.targets.get(n)?.deps ?? []) add(d.target);
  };
  roots.forEach(add);
  return plan({
    config,
    selection,
    range: { start: calendar[0]!, end: calendar[calendar.length - 1]! },
    calendar,
    present: new Map(Object.entries(c.present ?? {}).map(([k, v]) => [k, new Set(v)])),
    force: new Set(c.force ?? []),
    built: new Map(Object.entries(c.built ?? {}).map(([k, v]) => [k, new Map(Object.entries(v))])),
    presenceOnly: c.presenceOnly ?? false,
    failing: new Map(Object.entries(c.failing ?? {}).map(([k, v]) => [k, new Set(v)])),
  });
}

const pendingOf = (p: Plan) => Object.fromEntries(p.targets.map((t) => [t.name, t.pending]));
const stepsOf = (p: Plan, target: string) =>
  p.steps.filter((s) => s.target === target).map((s) => `${s.start}..${s.end}`);
const allBut = (...dates: string[]) => JAN.filter((d) => !dates.includes(d));

describe('pending dates', () => {
  it.each<[string, Case, Record<string, string[]>]>([
    ['missing dates only', { targets: { a: {} }, present: { a: allBut('2024-01-03', '2024-01-07') } }, { a: ['2024-01-03', '2024-01-07'] }],
    ['nothing when complete', { targets: { a: {} }, present: { a: JAN } }, { a: [] }],
    [
      'same-date dependency propagates one date',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: allBut('2024-01-04'), b: JAN } },
      { a: ['2024-01-04'], b: ['2024-01-04'] },
    ],
    [
      'lookback propagates to d..d+k',
      { targets: { a: {}, b: { deps: [{ target: 'a', lookback: 2 }] } }, present: { a: allBut('2024-01-04'), b: JAN } },
      { a: ['2024-01-04'], b: ['2024-01-04', '2024-01-05', '2024-01-06'] },
    ],
    [
      'propagation is transitive',
      {
        targets: { a: {}, b: { deps: ['a'] }, c: { deps: [{ target: 'b', lookback: 1 }] } },
        present: { a: allBut('2024-01-09'), b: JAN, c: JAN },
      },
      { a: ['2024-01-09'], b: ['2024-01-09'], c: ['2024-01-09', '2024-01-10'] },
    ],
    [
      'force rebuilds every expected date and what depends on it, not upstream',
      { targets: { a: {}, b: { deps: ['a'] }, c: { deps: ['b'] } }, present: { a: JAN, b: JAN, c: JAN }, force: ['b'] },
      { a: [], b: JAN, c: JAN },
    ],
    [
      'excluded dates are never expected, even when upstream changes',
      {
        targets: { a: {}, b: { deps: ['a'], exclude: ['2024-01-01', '2024-01-02'] } },
        present: { a: [], b: [] },
      },
      { a: JAN, b: JAN.slice(2) },
    ],
    [
      'exclude as a function',
      { targets: { a: { exclude: (d: string) => d.endsWith('5') } }, present: { a: [] } },
      { a: allBut('2024-01-05') },
    ],
    [
      'only the selection is planned',
      { targets: { a: {}, b: { deps: ['a'] }, other: {} }, present: {}, roots: ['b'] },
      { a: JAN, b: JAN },
    ],
  ])('%s', (_, c, expected) => {
    expect(pendingOf(planOf(c))).toEqual(expected);
  });

  it('says why a date is pending: missing, forced or after an upstream', () => {
    const p = planOf({
      targets: { a: {}, b: { deps: ['a'] } },
      present: { a: allBut('2024-01-02', '2024-01-03'), b: allBut('2024-01-02') },
    });
    const b = p.targets.find((t) => t.name === 'b');
    expect(b?.missing).toEqual(['2024-01-02']);
    expect(b?.after).toEqual([{ target: 'a', count: 1 }]);
    expect(b?.present).toBe(9);
  });
});

describe('lookbacks across the start of the range', () => {
  // `--from 2024-01-06` on a config whose range starts 2024-01-01.
  const narrowed = (floor: string | undefined, present: Record<string, string[]>, force: string[] = []) => {
    const config = configOf({ a: {}, b: { deps: ['a'] }, c: { deps: [{ target: 'b', lookback: 3 }] } });
    return plan({
      config,
      selection: new Set(config.order),
      range: { start: '2024-01-06', end: '2024-01-10' },
      ...(floor ? { floor } : {}),
      calendar: JAN,
      present: new Map(Object.entries(present).map(([k, v]) => [k, new Set(v)])),
      force: new Set(force),
    });
  };

  it('builds the upstream dates a dependent reads before --from', () => {
    const p = narrowed('2024-01-01', { a: allBut('2024-01-04'), b: allBut('2024-01-04'), c: JAN });
    // c on 2024-01-06 reads b 2024-01-03..06, and b 2024-01-04 reads a 2024-01-04: all are built.
    expect(pendingOf(p)).toEqual({ a: ['2024-01-04'], b: ['2024-01-04'], c: ['2024-01-06', '2024-01-07'] });
    expect(p.targets.map((t) => t.expected.length)).toEqual([8, 8, 5]);
  });

  it('never reaches before the floor (the config range start)', () => {
    const p = narrowed('2024-01-05', { a: [], b: [], c: JAN });
    expect(pendingOf(p)).toEqual({ a: allBut(...JAN.slice(0, 4)), b: allBut(...JAN.slice(0, 4)), c: JAN.slice(5) });
  });

  it('--force with --from rebuilds the forced target in the range only; history before it only where missing', () => {
    const complete = narrowed('2024-01-01', { a: JAN, b: JAN, c: JAN }, ['b']);
    // b is forced from 01-06 on, not back to 01-03 where c's lookback reaches; c reads the
    // rebuilt dates, so it is pending from 01-06 on too.
    expect(pendingOf(complete)).toEqual({ a: [], b: JAN.slice(5), c: JAN.slice(5) });
    const gap = narrowed('2024-01-01', { a: JAN, b: allBut('2024-01-04'), c: JAN }, ['b']);
    expect(pendingOf(gap)).toEqual({ a: [], b: ['2024-01-04', ...JAN.slice(5)], c: JAN.slice(5) });
  });

  it('without a floor (status) plans the range only', () => {
    const p = narrowed(undefined, { a: allBut('2024-01-04'), b: allBut('2024-01-04'), c: JAN });
    expect(pendingOf(p)).toEqual({ a: [], b: [], c: [] });
  });
});

describe('steps', () => {
  it('cuts pending dates into runs of consecutive calendar dates, at most `shard` long', () => {
    const p = planOf({ targets: { a: { shard: 3 } }, present: { a: ['2024-01-05'] } });
    expect(stepsOf(p, 'a')).toEqual(['2024-01-01..2024-01-03', '2024-01-04..2024-01-04', '2024-01-06..2024-01-08', '2024-01-09..2024-01-10']);
  });

  it('keeps a run whole across days missing from the calendar (no games)', () => {
    const calendar = ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06'];
    const p = planOf({ targets: { a: {} }, calendar });
    expect(stepsOf(p, 'a')).toEqual(['2024-01-01..2024-01-06']);
    expect(p.steps[0]?.dates).toEqual(calendar);
  });

  it('splits at excluded dates so a step never covers a date it must not write', () => {
    const p = planOf({ targets: { a: { exclude: ['2024-01-04'] } } });
    expect(stepsOf(p, 'a')).toEqual(['2024-01-01..2024-01-03', '2024-01-05..2024-01-10']);
  });

  it('expands placeholders inside arguments', () => {
    const p = planOf({ targets: { a: { run: ['job', '--range={start}:{end}', '{target}', '{table}'] } }, present: { a: allBut('2024-01-02') } });
    expect(p.steps[0]?.action).toEqual({ kind: 'command', argv: ['job', '--range=2024-01-02:2024-01-02', 'a', 'a_t'] });
  });

  it('needs exactly the upstream steps holding the dates it reads', () => {
    const p = planOf({
      targets: { a: { shard: 2 }, b: { shard: 2, deps: ['a'] }, c: { shard: 5, deps: [{ target: 'a', lookback: 3 }] } },
    });
    const needs = (id: string) => p.steps.find((s) => s.id === id)?.needs;
    expect(needs('b:2024-01-03_2024-01-04')).toEqual(['a:2024-01-03_2024-01-04']);
    // c's second step reads a for 2024-01-03..2024-01-10.
    expect(needs('c:2024-01-06_2024-01-10')).toEqual([
      'a:2024-01-03_2024-01-04',
      'a:2024-01-05_2024-01-06',
      'a:2024-01-07_2024-01-08',
      'a:2024-01-09_2024-01-10',
    ]);
  });

  it('does not wait on upstream steps whose dates are already present', () => {
    const p = planOf({ targets: { a: {}, b: { deps: ['a'] } }, present: { a: allBut('2024-01-09'), b: allBut('2024-01-02') } });
    expect(p.steps.find((s) => s.id === 'b:2024-01-02_2024-01-02')?.needs).toEqual([]);
    expect(p.steps.find((s) => s.id === 'b:2024-01-09_2024-01-09')?.needs).toEqual(['a:2024-01-09_2024-01-09']);
  });

  it('lists steps with every step after the steps it needs', () => {
    const p = planOf({ targets: { c: { deps: ['b'] }, b: { deps: ['a'] }, a: { shard: 4 } } });
    const seen = new Set<string>();
    for (const step of p.steps) {
      for (const need of step.needs) expect(seen.has(need)).toBe(true);
      seen.add(step.id);
    }
    expect(p.targets.map((t) => t.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('staleness', () => {
  /** Every date of JAN at time `t`, except the listed dates at their own times. */
  const times = (t: number, except: Record<string, number> = {}) => Object.fromEntries(JAN.map((d) => [d, except[d] ?? t]));
  const reasonsOf = (p: Plan) => Object.fromEntries(p.targets.map((t) => [t.name, Object.fromEntries(t.pending.map((d, i) => [d, t.reasons[i]]))]));

  it.each<[string, Case, Record<string, string[]>]>([
    [
      'an input built after its reader makes the reader stale, and its dependents pending',
      { targets: { a: {}, b: { deps: ['a'] }, c: { deps: ['b'] } }, present: { a: JAN, b: JAN, c: JAN }, built: { a: times(10, { '2024-01-04': 30 }), b: times(20), c: times(25) } },
      { a: [], b: ['2024-01-04'], c: ['2024-01-04'] },
    ],
    [
      'a lookback reader is stale for every date whose window holds the newer input',
      { targets: { a: {}, b: { deps: [{ target: 'a', lookback: 2 }] } }, present: { a: JAN, b: JAN }, built: { a: times(10, { '2024-01-04': 30 }), b: times(20) } },
      { a: [], b: ['2024-01-04', '2024-01-05', '2024-01-06'] },
    ],
    [
      'a reader built after its newer input is fresh',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: JAN, b: JAN }, built: { a: times(10, { '2024-01-04': 30 }), b: times(20, { '2024-01-04': 31 }) } },
      { a: [], b: [] },
    ],
    [
      'a date with no known build time is not stale on that account',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: JAN, b: JAN }, built: { a: times(10, { '2024-01-04': 30 }) } },
      { a: [], b: [] },
    ],
    [
      'an input with no known build time makes nothing stale',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: JAN, b: JAN }, built: { b: times(20) } },
      { a: [], b: [] },
    ],
    [
      'presence only: nothing is stale',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: JAN, b: JAN }, built: { a: times(30), b: times(20) }, presenceOnly: true },
      { a: [], b: [] },
    ],
    [
      'equal times are not newer',
      { targets: { a: {}, b: { deps: ['a'] } }, present: { a: JAN, b: JAN }, built: { a: times(20), b: times(20) } },
      { a: [], b: [] },
    ],
  ])('%s', (_, c, expected) => {
    expect(pendingOf(planOf(c))).toEqual(expected);
  });

  it('gives each pending date its most direct reason', () => {
    const p = planOf({
      targets: { a: {}, b: { deps: ['a'] }, c: { deps: ['b'] } },
      present: { a: allBut('2024-01-02'), b: allBut('2024-01-09'), c: JAN },
      force: ['c'],
      built: { a: times(10, { '2024-01-05': 30 }), b: times(20), c: times(25) },
    });
    expect(reasonsOf(p)).toEqual({
      a: { '2024-01-02': 'missing' },
      b: { '2024-01-02': 'upstream', '2024-01-05': 'stale', '2024-01-09': 'missing' },
      c: Object.fromEntries(JAN.map((d) => [d, 'forced'])),
    });
  });
});

describe('dates that fail their data checks (thin)', () => {
  it('are pending with reason check, apart from missing ones, and carry downstream', () => {
    const p = planOf({
      targets: { a: {}, b: { deps: ['a'] } },
      present: { a: allBut('2024-01-02'), b: JAN },
      failing: { a: ['2024-01-05', '2024-01-06'], b: ['2024-01-09'] },
    });
    const [a, b] = p.targets;
    expect(a).toMatchObject({
      pending: ['2024-01-02', '2024-01-05', '2024-01-06'],
      reasons: ['missing', 'check', 'check'],
      missing: ['2024-01-02'],
      thin: ['2024-01-05', '2024-01-06'],
      present: 7,
    });
    expect(b).toMatchObject({ pending: ['2024-01-02', '2024-01-05', '2024-01-06', '2024-01-09'], reasons: ['upstream', 'upstream', 'upstream', 'check'], thin: ['2024-01-09'] });
    expect(stepsOf(p, 'a')).toEqual(['2024-01-02..2024-01-02', '2024-01-05..2024-01-06']);
  });

  it('are pending as failing even when forced, and a failing date that is missing is missing', () => {
    const p = planOf({ targets: { a: {} }, present: { a: allBut('2024-01-02') }, failing: { a: ['2024-01-02', '2024-01-03'] }, force: ['a'] });
    const a = p.targets[0]!;
    expect(a.reasons.slice(0, 4)).toEqual(['forced', 'missing', 'check', 'forced']);
    expect(a.thin).toEqual(['2024-01-03']);
  });
});

describe('the plan as JSON (--dry-run --json)', () => {
  it('has every field in order, reasons keyed by date, and parses to what the plan holds', () => {
    const p = planOf({
      targets: { a: {}, b: { deps: ['a'], shard: 3 } },
      present: { a: JAN.slice(0, 6), b: JAN.slice(0, 4) },
      force: ['a'],
      roots: ['b'],
    });
    const text = planJson(p, new Map([['b', 3]]), [{ target: 'b', bytesBilled: 1024, jobs: 6, overCap: [{ date: '2024-01-09', bytes: 900 }] } satisfies SqlEstimate]);
    const json = JSON.parse(text) as { targets: Record<string, unknown>[] };
    expect(json.targets.map((t) => Object.keys(t))).toEqual([
      ['name', 'table', 'pending', 'reasons', 'steps'],
      ['name', 'table', 'shard', 'pending', 'reasons', 'estimatedBytes', 'overCap', 'steps'],
    ]);
    for (const [i, t] of p.targets.entries()) {
      expect(json.targets[i]).toMatchObject({ name: t.name, table: t.label, pending: t.pending });
      expect(json.targets[i]?.reasons).toEqual(Object.fromEntries(t.pending.map((d, j) => [d, t.reasons[j]])));
      expect(json.targets[i]?.steps).toEqual(t.steps.map((s) => ({ start: s.start, end: s.end, argv: s.action.kind === 'command' ? s.action.argv : undefined })));
    }
    expect(json.targets[1]).toMatchObject({ shard: 3, estimatedBytes: 1024, overCap: [{ date: '2024-01-09', bytes: 900 }] });
    // a forced over the range, b pending after it: every date of both, with a reason each.
    expect(Object.values(json.targets[0]?.reasons as object)).toEqual(JAN.map((d) => (JAN.slice(0, 6).includes(d) ? 'forced' : 'missing')));
  });

  it('a target with nothing pending: empty lists, an empty reasons object', () => {
    const p = planOf({ targets: { a: {} }, present: { a: JAN } });
    expect(JSON.parse(planJson(p))).toEqual({ targets: [{ name: 'a', table: 'a_t', pending: [], reasons: {}, steps: [] }] });
  });
});
