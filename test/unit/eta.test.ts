// The ETA arithmetic: costs fitted from a seeded ledger (real SQLite), blended with the run's own
// steps, and replayed over the remaining steps so that a target waiting on another ends after it;
// the replay checked against the real executor run on virtual time, with every kind of bound.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TargetConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { blendCost, stepCost, type Cost } from '../../src/plan/costs.js';
import { criticalPath, stepWeight } from '../../src/plan/critical.js';
import { estimate as fitCost } from '../../src/plan/estimate.js';
import { limitsOf, type Limits } from '../../src/plan/limits.js';
import { plan as makePlan } from '../../src/plan/plan.js';
import { estimate, type EtaStep } from '../../src/report/eta.js';
import { RunProgress } from '../../src/report/progress.js';
import { execute } from '../../src/run/executor.js';
import { eachDay } from '../../src/util/dates.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A ledger holding one past run whose attempts of each target took the given (dates, ms). */
function seededLedger(attempts: Record<string, [dates: number, ms: number][]>): Ledger {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-eta-'));
  dirs.push(dir);
  const ledger = Ledger.openForWrite(dir);
  const t0 = Date.UTC(2026, 0, 1);
  ledger.startRun({ id: 'past', argv: [], cwd: dir, process: { host: 'h', pid: 1, started: undefined }, started: t0 });
  let clock = t0;
  for (const [target, list] of Object.entries(attempts)) {
    for (const [dates, ms] of list) {
      const ds = Array.from({ length: dates }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
      const id = ledger.startAttempt({ runId: 'past', stepId: `${target}:x`, target, dates: ds, argv: [], attempt: 1, log: undefined, started: clock });
      ledger.endAttempt(id, { outcome: 'succeeded', ended: clock + ms });
      clock += ms;
    }
  }
  // A failed attempt says nothing about what a step costs.
  const failed = ledger.startAttempt({ runId: 'past', stepId: 'a:y', target: 'a', dates: ['2024-02-01'], argv: [], attempt: 1, log: undefined, started: clock });
  ledger.endAttempt(failed, { outcome: 'failed', ended: clock + 999_999 });
  ledger.endRun('past', 'succeeded', 0, clock);
  return ledger;
}

const step = (id: string, target: string, dates: number, needs: string[] = [], state: EtaStep['state'] = 'waiting'): EtaStep => ({ id, target, dates, needs, state });

describe('costs from the ledger', () => {
  it('fits start-up and per-date cost from past attempts of varied sizes, and the average where sizes never vary', () => {
    const ledger = seededLedger({ a: [[10, 11_000], [20, 21_000], [5, 6_000]], b: [[4, 8_000], [4, 8_000]] });
    const a = fitCost(ledger.timings('a'));
    expect(a?.startupMs).toBeCloseTo(1_000, 6);
    expect(a?.perDateMs).toBeCloseTo(1_000, 6);
    expect(fitCost(ledger.timings('b'))).toEqual({ startupMs: 0, perDateMs: 2_000, startupKnown: false });
    expect(fitCost(ledger.timings('never-ran'))).toBeUndefined();
    // Run `past` left out: what status uses for the run it is looking at.
    expect(ledger.timings('a', 50, 'past')).toEqual([]);
    ledger.close();
  });

  it('never fits a negative start-up or per-date cost', () => {
    // Bigger steps faster, or a line through below zero: neither cost goes negative.
    for (const timings of [[{ dates: 1, ms: 10_000 }, { dates: 10, ms: 1_000 }], [{ dates: 1, ms: 100 }, { dates: 10, ms: 10_000 }]]) {
      const fit = fitCost(timings) as Cost;
      expect(fit.startupMs).toBeGreaterThanOrEqual(0);
      expect(fit.perDateMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("blends history with this run's steps, which weigh more as they accumulate", () => {
    const history: Cost = { startupMs: 0, perDateMs: 1_000 };
    expect(blendCost(history, [])).toEqual(history);
    expect(blendCost(undefined, [{ dates: 10, ms: 30_000 }])).toEqual({ startupMs: 0, perDateMs: 3_000 });
    // Three steps of this run weigh as much as all of history: halfway between 1 s and 3 s a date.
    const three = Array.from({ length: 3 }, () => ({ dates: 10, ms: 30_000 }));
    expect(blendCost(history, three)?.perDateMs).toBeCloseTo(2_000);
    const thirty = Array.from({ length: 30 }, () => ({ dates: 10, ms: 30_000 }));
    expect(blendCost(history, thirty)?.perDateMs).toBeCloseTo(1_000 + 2_000 * (30 / 33));
  });

  it('blends start-up as it blends time per date, and counts only steps that had dates', () => {
    const history: Cost = { startupMs: 4_000, perDateMs: 1_000 };
    // This run: 1 s start-up and 3 s a date, from steps of 2 and 6 dates, plus one of no dates.
    const current = [{ dates: 2, ms: 7_000 }, { dates: 6, ms: 19_000 }, { dates: 0, ms: 50_000 }];
    // Two steps with dates: w = 2 / 5.
    const blended = blendCost(history, current);
    expect(blended?.startupMs).toBeCloseTo(0.6 * 4_000 + 0.4 * 1_000);
    expect(blended?.perDateMs).toBeCloseTo(0.6 * 1_000 + 0.4 * 3_000);
    expect(stepCost(blended!, 10)).toBeCloseTo(2_800 + 1_800 * 10);
  });
});

describe('estimate', () => {
  // a: 11 s a step of 10 dates (1 s start-up + 1 s a date); b: 2 s a date, and waits for both a steps.
  const ledger = seededLedger({ a: [[10, 11_000], [20, 21_000], [5, 6_000]], b: [[4, 8_000], [4, 8_000]] });
  // Rounded to the millisecond (the fit itself is checked above), so sums compare exactly.
  const rounded = (m: Cost | undefined): Cost => ({ startupMs: Math.round(m?.startupMs ?? NaN), perDateMs: Math.round(m?.perDateMs ?? NaN) });
  const models = new Map([
    ['a', rounded(fitCost(ledger.timings('a')))],
    ['b', rounded(fitCost(ledger.timings('b')))],
  ]);
  ledger.close();
  const plan = [step('a1', 'a', 10), step('a2', 'a', 10), step('b1', 'b', 20, ['a1', 'a2'])];

  it('puts a target that waits on another after it: not the sum of its rows, not in parallel', () => {
    const eta = estimate({ steps: plan, models, limits: { concurrency: 4 }, now: 0 });
    // a's two steps side by side: 11 s; then b's 40 s.
    expect(eta.targets.get('a')).toBe(11_000);
    expect(eta.targets.get('b')).toBe(51_000);
    expect(eta.overallMs).toBe(51_000);
    // Rows summed would say 22 s + 40 s.
    expect(eta.overallMs).not.toBe(stepCost(models.get('a') as Cost, 10) * 2 + stepCost(models.get('b') as Cost, 20));
  });

  it('honours the global and per-target bounds', () => {
    expect(estimate({ steps: plan, models, limits: { concurrency: 1 }, now: 0 }).overallMs).toBe(62_000);
    const oneA = estimate({ steps: plan, models, limits: { concurrency: 4, targets: new Map([['a', { concurrency: 1 }]]) }, now: 0 });
    expect(oneA.targets.get('a')).toBe(22_000);
    expect(oneA.overallMs).toBe(62_000);
  });

  it('counts what a running step has left, and nothing for done steps', () => {
    const now = 1_000_000;
    const steps = [step('a1', 'a', 10, [], { runningSince: now - 5_000 }), step('a2', 'a', 10, [], 'done'), step('b1', 'b', 20, ['a1', 'a2'])];
    const eta = estimate({ steps, models, limits: { concurrency: 4 }, now });
    expect(eta.targets.get('a')).toBe(6_000);
    expect(eta.targets.get('b')).toBe(46_000);
    // A step past its estimate counts as ending now.
    const late = estimate({ steps: [step('a1', 'a', 10, [], { runningSince: now - 60_000 })], models, limits: { concurrency: 4 }, now });
    expect(late.overallMs).toBe(0);
  });

  it('knows nothing without any cost, and borrows the median for a target without its own', () => {
    expect(estimate({ steps: plan, models: new Map(), limits: { concurrency: 4 }, now: 0 })).toMatchObject({ overallMs: undefined });
    const onlyB = estimate({ steps: plan, models: new Map([['b', models.get('b') as Cost]]), limits: { concurrency: 4 }, now: 0 });
    expect([...onlyB.borrowed]).toEqual(['a']);
    // a borrows b's 2 s a date: 20 s, then b's 40 s.
    expect(onlyB.overallMs).toBe(60_000);
  });

  it("gives an ETA from history before any step of the run ends, then follows the run's own pace", () => {
    const history = new Map([['a', { startupMs: 0, perDateMs: 1_000 }], ['b', { startupMs: 0, perDateMs: 1_000 }]]);
    const progress = new RunProgress(
      [
        { id: 'a1', target: 'a', dates: 10, needs: [] },
        { id: 'a2', target: 'a', dates: 10, needs: [] },
        { id: 'b1', target: 'b', dates: 20, needs: ['a1', 'a2'] },
      ],
      { history, limits: { concurrency: 1 } },
    );
    expect(progress.estimate(0)).toMatchObject({ overallMs: 40_000 });
    progress.started('a1', 'a1#1', 10, 0);
    // Slower than history: 3 s a date. One step of the run weighs a quarter: 1.5 s a date.
    progress.ended('a1', 'a1#1', 10, 30_000, true, true);
    const eta = progress.estimate(30_000);
    expect(eta.targets.get('a')).toBeCloseTo(15_000);
    expect(eta.overallMs).toBeCloseTo(35_000);
    expect(progress.rate('a', 30_000)).toBeCloseTo(10 / 30_000);
    expect(progress.target('a')).toMatchObject({ total: 20, built: 10, running: 0 });
  });
});

describe("the replay starts steps by the scheduler's rules", () => {
  const second: Cost = { startupMs: 0, perDateMs: 1_000 };
  const every = (...targets: string[]) => new Map(targets.map((t) => [t, second]));

  it('a pool bounds the targets that share it; a remote runner has slots of its own, not the global ones', () => {
    // q1 and q2: two 10 s steps each; free: one 10 s step.
    const steps = [step('q1a', 'q1', 10), step('q1b', 'q1', 10), step('q2a', 'q2', 10), step('q2b', 'q2', 10), step('f', 'free', 10)];
    const pooled: Limits = { concurrency: 4, targets: new Map([['q1', { pool: 'bq' }], ['q2', { pool: 'bq' }]]), pools: new Map([['bq', 1]]) };
    const eta = estimate({ steps, models: every('q1', 'q2', 'free'), limits: pooled, now: 0 });
    // One pooled step at a time (q1's two first, in plan order), free beside them.
    expect(Object.fromEntries(eta.targets)).toEqual({ q1: 20_000, q2: 40_000, free: 10_000 });
    expect(estimate({ steps, models: every('q1', 'q2', 'free'), limits: { concurrency: 4 }, now: 0 }).overallMs).toBe(20_000);

    // Six cloud steps on 3 executions at once; the local target alone on its one global slot.
    const remote = [...Array.from({ length: 6 }, (_, i) => step(`r${i}`, 'r', 10)), step('l1', 'l', 10), step('l2', 'l', 10)];
    const cloud: Limits = { concurrency: 1, targets: new Map([['r', { runner: 'cloud' }]]), runners: new Map([['cloud', 3]]) };
    expect(Object.fromEntries(estimate({ steps: remote, models: every('r', 'l'), limits: cloud, now: 0 }).targets)).toEqual({ r: 20_000, l: 20_000 });
    expect(estimate({ steps: remote, models: every('r', 'l'), limits: { concurrency: 1 }, now: 0 }).overallMs).toBe(80_000);
  });

  it('the step with the longest path behind it first, then the one ready longest', () => {
    // One slot: b's short steps come first in plan order, but x -> y has the longer path.
    const steps = [step('b1', 'b', 2), step('b2', 'b', 2), step('x', 'x', 10), step('y', 'y', 10, ['x'])];
    const fifo = estimate({ steps, models: every('b', 'x', 'y'), limits: { concurrency: 1 }, now: 0 });
    expect(Object.fromEntries(fifo.targets)).toEqual({ b: 4_000, x: 14_000, y: 24_000 });
    const ranked = steps.map((s) => ({ ...s, priority: { b1: 2, b2: 2, x: 20, y: 10 }[s.id] }));
    const critical = estimate({ steps: ranked, models: every('b', 'x', 'y'), limits: { concurrency: 1 }, now: 0 });
    expect(Object.fromEntries(critical.targets)).toEqual({ x: 10_000, y: 20_000, b: 24_000 });
  });
});

describe('the ETA at the start of a run', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is when the executor's own run ends, target by target, under every kind of bound", async () => {
    const dates = eachDay('2024-01-01', '2024-01-12');
    const run = ['job', '{start}', '{end}'];
    const targets: Record<string, Partial<TargetConfig>> = {
      raw: { shard: 3 },
      feat: { shard: 2, deps: [{ target: 'raw', lookback: 2 }], pool: 'bq' },
      side: { shard: 1, pool: 'bq', concurrency: 2 },
      remote: { shard: 4, deps: ['feat'], runner: 'cloud' },
      last: { shard: 6, deps: ['remote', 'side'] },
    };
    const result = validateConfig(
      {
        warehouse: { kind: 'sqlite', path: 'w.db' },
        range: { start: dates[0], end: dates[dates.length - 1] },
        concurrency: 3,
        pools: { bq: 2 },
        runners: { cloud: { kind: 'cloud-run-job', projectId: 'proj-x1', location: 'us-west2', job: 'backfill', concurrency: 2, apiEndpoint: 'http://127.0.0.1:9' } },
        targets: Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, { table: `${name}_t`, dateColumn: 'd', run, ...t } as TargetConfig])),
      },
      '/p/backfill.config.ts',
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const { config } = result;
    const p = makePlan({ config, selection: new Set(config.order), range: config.range, calendar: dates, present: new Map(), force: new Set() });
    // Costs unlike one another, so no two steps tie by accident.
    const models = new Map([
      ['raw', { startupMs: 700, perDateMs: 300, startupKnown: true }],
      ['feat', { startupMs: 1_100, perDateMs: 900, startupKnown: true }],
      ['side', { startupMs: 300, perDateMs: 1_300, startupKnown: true }],
      ['remote', { startupMs: 5_000, perDateMs: 200, startupKnown: true }],
      ['last', { startupMs: 900, perDateMs: 100, startupKnown: true }],
    ]);
    const cost = (s: { target: string; dates: readonly string[] }) => stepCost(models.get(s.target) as Cost, s.dates.length);
    const priorities = criticalPath(p, stepWeight(models));
    const limits = limitsOf(config, config.concurrency);

    const eta = estimate({
      steps: p.steps.map((s) => ({ id: s.id, target: s.target, dates: s.dates.length, needs: s.needs, state: 'waiting', priority: priorities.get(s.id) })),
      models,
      limits,
      now: 0,
    });

    const ended = new Map<string, number>();
    const started = Date.now();
    const done = execute({
      plan: p,
      concurrency: limits.concurrency,
      targetConcurrency: (name) => limits.targets?.get(name)?.concurrency,
      poolOf: (name) => limits.targets?.get(name)?.pool,
      poolSize: (pool) => limits.pools?.get(pool),
      runnerOf: (name) => {
        const runner = limits.targets?.get(name)?.runner;
        return runner === undefined ? undefined : { name: runner, slots: limits.runners?.get(runner) ?? limits.concurrency };
      },
      priority: (s) => priorities.get(s.id) ?? 0,
      policy: () => ({ retries: 0, retryDelayMs: () => 0, bisect: false }),
      lookback: (name, upstream) => config.targets.get(name)?.deps.find((d) => d.target === upstream)?.lookback ?? 0,
      narrow: (s) => s,
      logFile: () => '/dev/null',
      emit: () => {},
      signal: new AbortController().signal,
      runAttempt: async (s) => {
        await new Promise((resolve) => setTimeout(resolve, cost(s)));
        ended.set(s.target, Math.max(ended.get(s.target) ?? 0, Date.now() - started));
        return undefined;
      },
    });
    await vi.runAllTimersAsync();
    await done;

    expect(p.steps).toHaveLength(4 + 6 + 12 + 3 + 2);
    expect(Object.fromEntries(eta.targets)).toEqual(Object.fromEntries(ended));
    // Not trivially so: the bounds held steps back (all at once would end with the longest chain).
    const longest = Math.max(...[...criticalPath(p, cost).values()]);
    expect(eta.overallMs).toBeGreaterThan(longest);
  });
});
