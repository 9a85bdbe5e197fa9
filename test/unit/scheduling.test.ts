// The executor's order and bounds, on virtual time: critical-path priorities against first come,
// first served; pools; and `shard: 'auto'` sizes from a real, seeded ledger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import type { TargetConfig } from '../../src/config/types.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { criticalPath, stepWeight } from '../../src/plan/critical.js';
import { autoShard, DEFAULT_AUTO_SHARD, estimate } from '../../src/plan/estimate.js';
import { plan, stepFor, type Plan, type Step } from '../../src/plan/plan.js';
import { execute } from '../../src/run/executor.js';
import { eachDay } from '../../src/util/dates.js';

const run = ['job', '{start}', '{end}'];

function planOf(targets: Record<string, Partial<TargetConfig>>, dates: string[], extra: Record<string, unknown> = {}) {
  const full: Record<string, TargetConfig> = {};
  for (const [name, t] of Object.entries(targets)) full[name] = { table: `${name}_t`, dateColumn: 'd', run, ...t } as TargetConfig;
  const result = validateConfig(
    { warehouse: { kind: 'sqlite', path: 'w.db' }, range: { start: dates[0], end: dates[dates.length - 1] }, targets: full, ...extra },
    '/p/backfill.config.ts',
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { config } = result;
  return {
    config,
    plan: plan({ config, selection: new Set(config.order), range: config.range, calendar: dates, present: new Map(), force: new Set() }),
  };
}

interface Ran {
  readonly id: string;
  readonly target: string;
  readonly from: number;
  readonly to: number;
}

/** Runs the plan on fake timers: each step takes `duration(step)` virtual ms. */
async function simulate(p: Plan, options: { concurrency: number; duration: (s: Step) => number; priority?: (s: Step) => number; pools?: { of: (t: string) => string | undefined; size: (p: string) => number | undefined } }) {
  const ran: Ran[] = [];
  const started = Date.now();
  const done = execute({
    plan: p,
    concurrency: options.concurrency,
    targetConcurrency: () => undefined,
    ...(options.pools ? { poolOf: options.pools.of, poolSize: options.pools.size } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    policy: () => ({ retries: 0, retryDelayMs: () => 0, bisect: false }),
    lookback: () => 0,
    narrow: (step) => step,
    logFile: () => '/dev/null',
    emit: () => {},
    signal: new AbortController().signal,
    runAttempt: async (step) => {
      const from = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, options.duration(step)));
      ran.push({ id: step.id, target: step.target, from, to: Date.now() - started });
      return undefined;
    },
  });
  await vi.runAllTimersAsync();
  await done;
  return { ran, makespan: Math.max(...ran.map((r) => r.to)) };
}

describe('critical-path order', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // Two slots. b: six short independent steps, first in plan order; x -> y -> z: a chain of
  // long steps. First come, first served starts the short ones first and the chain waits;
  // the longest remaining path first starts x at once.
  const dates = eachDay('2024-01-01', '2024-01-06');
  const { plan: p } = planOf({ b: { shard: 1 }, x: {}, y: { deps: ['x'] }, z: { deps: ['y'] } }, dates);
  const duration = (s: Step) => (s.target === 'b' ? 2_000 : 10_000);

  it('starts the step with the longest remaining path first, and finishes sooner than plan order', async () => {
    const fifo = await simulate(p, { concurrency: 2, duration });
    const priorities = criticalPath(p, duration);
    const critical = await simulate(p, { concurrency: 2, duration, priority: (s) => priorities.get(s.id) ?? 0 });
    // FIFO: b's 6 steps take 6 s on two slots, then x, y, z: 36 s. Critical path: x, y, z back
    // to back (30 s) while b fills the other slot.
    expect(fifo.makespan).toBe(36_000);
    expect(critical.makespan).toBe(30_000);
    expect(critical.ran.find((r) => r.target === 'x')?.from).toBe(0);
    expect(priorities.get(p.steps.find((s) => s.target === 'x')!.id)).toBe(30_000);
  });

  it('weighs steps by their target\'s history, and equally without any', () => {
    const weight = stepWeight(new Map([['x', { startupMs: 500, perDateMs: 100, startupKnown: true }], ['b', undefined]]));
    const x = p.steps.find((s) => s.target === 'x')!;
    const b = p.steps.find((s) => s.target === 'b')!;
    expect(weight(x)).toBe(500 + 100 * x.dates.length);
    // b has no history: the average of the targets that have one.
    expect(weight(b)).toBe(500 + 100 * b.dates.length);
    expect(stepWeight(new Map())(x)).toBe(1);
  });
});

describe('pools', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('bound the targets that share them, on top of the global bound', async () => {
    const dates = eachDay('2024-01-01', '2024-01-04');
    const { plan: p, config } = planOf(
      { q1: { shard: 1, pool: 'bq' }, q2: { shard: 1, pool: 'bq' }, free: { shard: 1 } },
      dates,
      { pools: { bq: 2 } },
    );
    const { ran } = await simulate(p, {
      concurrency: 4,
      duration: () => 1_000,
      pools: { of: (t) => config.targets.get(t)?.pool, size: (name) => config.pools.get(name) },
    });
    const most = (filter: (r: Ran) => boolean) => {
      const points = ran.filter(filter).flatMap((r) => [{ t: r.from, d: 1 }, { t: r.to, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
      let now = 0;
      let peak = 0;
      for (const x of points) peak = Math.max(peak, (now += x.d));
      return peak;
    };
    expect(ran).toHaveLength(12);
    expect(most((r) => r.target !== 'free')).toBe(2);
    // The free target used the two other slots meanwhile.
    expect(most(() => true)).toBe(4);
  });
});

describe("shard: 'auto'", () => {
  it('sizes steps from a seeded ledger so start-up is about 5% of a step, keeping 2 x concurrency steps', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-auto-'));
    const ledger = Ledger.openForWrite(dir);
    ledger.startRun({ id: 'r1', argv: [], cwd: dir, process: { host: 'h', pid: 1, started: undefined }, started: 0 });
    // 2 s of start-up and 100 ms a date: 10, 20 and 40 dates.
    for (const [i, n] of [10, 20, 40, 10].entries()) {
      const dates = eachDay('2024-01-01', '2024-12-31').slice(0, n);
      const id = ledger.startAttempt({ runId: 'r1', stepId: `t:${i}`, target: 't', dates, argv: [], attempt: 1, log: undefined, started: 1_000 * i });
      ledger.endAttempt(id, { outcome: 'succeeded', ended: 1_000 * i + 2_000 + 100 * n });
    }
    const timings = ledger.timings('t');
    ledger.close();
    fs.rmSync(dir, { recursive: true });
    expect(timings).toHaveLength(4);
    const fit = estimate(timings);
    expect(fit?.startupMs).toBeCloseTo(2_000, 6);
    expect(fit?.perDateMs).toBeCloseTo(100, 6);
    // 5% start-up: 2,000 ms is 5% of a 40,000 ms step, of which 38,000 ms are 380 dates.
    expect(autoShard(fit, 10_000, 4)).toBe(380);
    // 918 dates at concurrency 4: at most 918 / 8 = 114 dates a step.
    expect(autoShard(fit, 918, 4)).toBe(114);
    expect(autoShard(undefined, 918, 4)).toBe(DEFAULT_AUTO_SHARD);
    expect(autoShard(undefined, 20, 4)).toBe(2);
  });

  it('the plan cuts steps at the chosen size', () => {
    const dates = eachDay('2024-01-01', '2024-01-20');
    const { config } = planOf({ t: { shard: 'auto' } }, dates);
    const p = plan({ config, selection: new Set(['t']), range: config.range, calendar: dates, present: new Map(), force: new Set(), shards: new Map([['t', 6]]) });
    expect(p.steps.map((s) => s.dates.length)).toEqual([6, 6, 6, 2]);
    expect(stepFor(config.targets.get('t')!, dates.slice(0, 2), []).id).toBe('t:2024-01-01_2024-01-02');
  });
});
