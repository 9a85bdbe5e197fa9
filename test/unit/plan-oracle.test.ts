import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import type { TargetConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import { plan, type PendingReason, type PlanInput } from '../../src/plan/plan.js';

/**
 * The planner against a naive restatement of its rules, on seeded random graphs, calendars,
 * coverage and build times. The planner is clever (day numbers, a monotonic queue for the newest
 * input, binary search over steps); the reference below is the rule as the README states it,
 * date by date, so a slip in the clever version shows up as a difference.
 */

const DAY = 86_400_000;
const dayOf = (date: string): number => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY;
const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  input: PlanInput;
  config: Config;
}

/** A random case: up to 4 targets over up to 16 days of January 2024. */
function caseOf(seed: number): Case {
  const rnd = random(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const some = <T,>(list: readonly T[], p: number): T[] => list.filter(() => rnd() < p);
  const days = Array.from({ length: 16 }, (_, i) => dateOf(dayOf('2024-01-01') + i));
  let calendar = some(days, 0.75);
  if (calendar.length === 0) calendar = [pick(days)];

  const names = ['a', 'b', 'c', 'd'].slice(0, 1 + Math.floor(rnd() * 4));
  const targets: Record<string, TargetConfig> = {};
  names.forEach((name, i) => {
    const deps = some(names.slice(0, i), 0.6).map((target) => ({ target, lookback: pick([0, 0, 1, 2, 3]) }));
    const shard = pick([undefined, 1, 2, 3, 5]);
    const exclude = rnd() < 0.25 ? some(days, 0.2) : undefined;
    targets[name] = {
      table: `${name}_t`,
      dateColumn: 'd',
      run: ['job', '{start}', '{end}'],
      deps,
      ...(shard ? { shard } : {}),
      ...(exclude ? { exclude } : {}),
    };
  });
  const result = validateConfig(
    { warehouse: { kind: 'sqlite', path: 'w.db' }, range: { start: '2024-01-01', end: '2024-01-31' }, targets },
    '/p/backfill.config.ts',
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const config = result.config;

  // A root and everything it reads, or every target.
  const selection = new Set<string>();
  const add = (n: string): void => {
    selection.add(n);
    for (const d of config.targets.get(n)?.deps ?? []) add(d.target);
  };
  if (rnd() < 0.5) names.forEach(add);
  else add(pick(names));

  const start = pick(calendar);
  const end = pick(calendar.filter((d) => d >= start));
  const floor = pick([undefined, undefined, '2024-01-01', pick(days)]);
  const present = new Map(names.map((n) => [n, new Set(some(calendar, 0.8))]));
  // Build times from 1 to 6, so equal times come up; some dates have none.
  const built = new Map(names.map((n) => [n, new Map(some(calendar, 0.8).map((d) => [d, 1 + Math.floor(rnd() * 6)]))]));
  return {
    config,
    input: {
      config,
      selection,
      range: { start, end },
      ...(floor ? { floor } : {}),
      calendar,
      present,
      force: new Set(some(names, 0.15)),
      built,
      presenceOnly: rnd() < 0.15,
    },
  };
}

interface Expected {
  pending: { date: string; reason: PendingReason }[];
  after: { target: string; count: number }[];
  steps: { id: string; needs: string[]; dates: string[] }[];
}

/** The rules, date by date. */
function reference({ config, input }: Case): Map<string, Expected> {
  const { calendar, range } = input;
  const selected = config.order.filter((n) => input.selection.has(n));
  // How far back each target is needed: the longest chain of lookbacks from a selected dependent.
  const reach = new Map<string, number>(selected.map((n) => [n, 0]));
  for (const name of [...selected].reverse()) {
    for (const dep of config.targets.get(name)!.deps) reach.set(dep.target, Math.max(reach.get(dep.target)!, reach.get(name)! + dep.lookback));
  }
  const within = (d: string, from: number, to: number) => dayOf(d) >= from && dayOf(d) <= to;
  const out = new Map<string, Expected>();
  for (const name of selected) {
    const target = config.targets.get(name)!;
    const back = reach.get(name)!;
    // Back for lookbacks, but not before the floor, nor (when the floor is later) the range start.
    const from =
      input.floor === undefined ? dayOf(range.start) : Math.max(dayOf(range.start) - back, Math.min(dayOf(input.floor), dayOf(range.start)));
    const expected = calendar.filter((d) => within(d, from, dayOf(range.end)) && !target.isExcluded(d));
    const own = input.built?.get(name);
    const counts = new Map<string, number>();
    const pending: Expected['pending'] = [];
    for (const d of expected) {
      const window = (lookback: number) => [dayOf(d) - lookback, dayOf(d)] as const;
      let reason: PendingReason | undefined;
      if (!input.present.get(name)!.has(d)) reason = 'missing';
      else if (input.force.has(name) && d >= range.start) reason = 'forced';
      else if (
        !input.presenceOnly &&
        own?.get(d) !== undefined &&
        target.deps.some((dep) => calendar.some((u) => within(u, ...window(dep.lookback)) && (input.built?.get(dep.target)?.get(u) ?? -1) > own.get(d)!))
      ) {
        reason = 'stale';
      } else {
        const dep = target.deps.find((dep) => out.get(dep.target)!.pending.some((p) => within(p.date, ...window(dep.lookback))));
        if (dep) {
          reason = 'upstream';
          counts.set(dep.target, (counts.get(dep.target) ?? 0) + 1);
        }
      }
      if (reason) pending.push({ date: d, reason });
    }
    // Steps: runs of dates next to each other in the calendar, at most `shard` long.
    // (The random configs never ask for shard: 'auto'.)
    const shard = target.shard;
    if (typeof shard !== 'number') throw new Error(`oracle: ${target.name} has shard ${String(shard)}`);
    const runs: string[][] = [];
    for (const { date } of pending) {
      const run = runs[runs.length - 1];
      const previous = run?.[run.length - 1];
      if (run && previous && calendar.indexOf(date) === calendar.indexOf(previous) + 1 && run.length < shard) run.push(date);
      else runs.push([date]);
    }
    const steps = runs.map((dates) => {
      const start = dates[0]!;
      const end = dates[dates.length - 1]!;
      const needs = target.deps.flatMap((dep) =>
        out
          .get(dep.target)!
          .steps.filter((s) => s.dates.some((u) => within(u, dayOf(start) - dep.lookback, dayOf(end))))
          .map((s) => s.id),
      );
      return { id: `${name}:${start}_${end}`, needs, dates };
    });
    out.set(name, {
      pending,
      after: target.deps.filter((dep) => counts.has(dep.target)).map((dep) => ({ target: dep.target, count: counts.get(dep.target)! })),
      steps,
    });
  }
  return out;
}

describe('the planner agrees with the rules stated naively', () => {
  const seeds = Array.from({ length: 300 }, (_, i) => i + 1);
  it('on 300 random cases', () => {
    const seen = new Set<string>();
    for (const seed of seeds) {
      const c = caseOf(seed);
      const expected = reference(c);
      const actual = plan(c.input);
      const got = new Map(
        actual.targets.map((t) => [
          t.name,
          {
            pending: t.pending.map((date, i) => ({ date, reason: t.reasons[i] })),
            after: t.after,
            steps: t.steps.map((s) => ({ id: s.id, needs: s.needs })),
          },
        ]),
      );
      const want = new Map(
        [...expected].map(([name, e]) => [name, { ...e, steps: e.steps.map((s) => ({ id: s.id, needs: s.needs })) }]),
      );
      expect(got, `seed ${seed}`).toEqual(want);
      for (const t of actual.targets) {
        for (const r of t.reasons) seen.add(r);
        if (t.after.length > 1) seen.add('after from two inputs');
        if (t.steps.some((s) => s.needs.length > 1)) seen.add('a step needing two steps');
        if (t.steps.some((s) => s.dates.length > 1)) seen.add('a step of two dates');
      }
    }
    // Not vacuous: every rule came up.
    expect([...seen].sort()).toEqual(
      ['a step needing two steps', 'a step of two dates', 'after from two inputs', 'forced', 'missing', 'stale', 'upstream'].sort(),
    );
  });
});
