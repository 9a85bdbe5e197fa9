// The ETA arithmetic: costs fitted from a seeded ledger (real SQLite), blended with the run's own
// steps, and replayed over the remaining steps so that a target waiting on another ends after it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/ledger.js';
import { blendCost, fitCost, stepCost, type CostModel } from '../../src/plan/costs.js';
import { estimate, type EtaStep } from '../../src/report/eta.js';
import { RunProgress } from '../../src/report/progress.js';

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
    expect(a?.perStepMs).toBeCloseTo(1_000, 6);
    expect(a?.perDateMs).toBeCloseTo(1_000, 6);
    expect(fitCost(ledger.timings('b'))).toEqual({ perStepMs: 0, perDateMs: 2_000 });
    expect(fitCost(ledger.timings('never-ran'))).toBeUndefined();
    // Run `past` left out: what status uses for the run it is looking at.
    expect(ledger.timings('a', 50, 'past')).toEqual([]);
    ledger.close();
  });

  it('never fits a negative start-up or per-date cost', () => {
    // Bigger steps faster: per-date cost would be negative, so each step costs the mean.
    expect(fitCost([{ dates: 1, ms: 10_000 }, { dates: 10, ms: 1_000 }])).toEqual({ perStepMs: 5_500, perDateMs: 0 });
    // A negative intercept falls back to the average per date.
    expect(fitCost([{ dates: 1, ms: 100 }, { dates: 10, ms: 10_000 }])).toEqual({ perStepMs: 0, perDateMs: 10_100 / 11 });
  });

  it("blends history with this run's steps, which weigh more as they accumulate", () => {
    const history: CostModel = { perStepMs: 0, perDateMs: 1_000 };
    expect(blendCost(history, [])).toEqual(history);
    expect(blendCost(undefined, [{ dates: 10, ms: 30_000 }])).toEqual({ perStepMs: 0, perDateMs: 3_000 });
    // Three steps of this run weigh as much as all of history: halfway between 1 s and 3 s a date.
    const three = Array.from({ length: 3 }, () => ({ dates: 10, ms: 30_000 }));
    expect(blendCost(history, three)?.perDateMs).toBeCloseTo(2_000);
    const thirty = Array.from({ length: 30 }, () => ({ dates: 10, ms: 30_000 }));
    expect(blendCost(history, thirty)?.perDateMs).toBeCloseTo(1_000 + 2_000 * (30 / 33));
  });
});

describe('estimate', () => {
  // a: 11 s a step of 10 dates (1 s start-up + 1 s a date); b: 2 s a date, and waits for both a steps.
  const ledger = seededLedger({ a: [[10, 11_000], [20, 21_000], [5, 6_000]], b: [[4, 8_000], [4, 8_000]] });
  // Rounded to the millisecond (the fit itself is checked above), so sums compare exactly.
  const rounded = (m: CostModel | undefined): CostModel => ({ perStepMs: Math.round(m?.perStepMs ?? NaN), perDateMs: Math.round(m?.perDateMs ?? NaN) });
  const models = new Map([
    ['a', rounded(fitCost(ledger.timings('a')))],
    ['b', rounded(fitCost(ledger.timings('b')))],
  ]);
  ledger.close();
  const plan = [step('a1', 'a', 10), step('a2', 'a', 10), step('b1', 'b', 20, ['a1', 'a2'])];

  it('puts a target that waits on another after it: not the sum of its rows, not in parallel', () => {
    const eta = estimate({ steps: plan, models, concurrency: 4, now: 0 });
    // a's two steps side by side: 11 s; then b's 40 s.
    expect(eta.targets.get('a')).toBe(11_000);
    expect(eta.targets.get('b')).toBe(51_000);
    expect(eta.overallMs).toBe(51_000);
    // Rows summed would say 22 s + 40 s.
    expect(eta.overallMs).not.toBe(stepCost(models.get('a') as CostModel, 10) * 2 + stepCost(models.get('b') as CostModel, 20));
  });

  it('honours the global and per-target bounds', () => {
    expect(estimate({ steps: plan, models, concurrency: 1, now: 0 }).overallMs).toBe(62_000);
    const oneA = estimate({ steps: plan, models, concurrency: 4, targetConcurrency: new Map([['a', 1]]), now: 0 });
    expect(oneA.targets.get('a')).toBe(22_000);
    expect(oneA.overallMs).toBe(62_000);
  });

  it('counts what a running step has left, and nothing for done steps', () => {
    const now = 1_000_000;
    const steps = [step('a1', 'a', 10, [], { runningSince: now - 5_000 }), step('a2', 'a', 10, [], 'done'), step('b1', 'b', 20, ['a1', 'a2'])];
    const eta = estimate({ steps, models, concurrency: 4, now });
    expect(eta.targets.get('a')).toBe(6_000);
    expect(eta.targets.get('b')).toBe(46_000);
    // A step past its estimate counts as ending now.
    const late = estimate({ steps: [step('a1', 'a', 10, [], { runningSince: now - 60_000 })], models, concurrency: 4, now });
    expect(late.overallMs).toBe(0);
  });

  it('knows nothing without any cost, and borrows the median for a target without its own', () => {
    expect(estimate({ steps: plan, models: new Map(), concurrency: 4, now: 0 })).toMatchObject({ overallMs: undefined });
    const onlyB = estimate({ steps: plan, models: new Map([['b', models.get('b') as CostModel]]), concurrency: 4, now: 0 });
    expect([...onlyB.borrowed]).toEqual(['a']);
    // a borrows b's 2 s a date: 20 s, then b's 40 s.
    expect(onlyB.overallMs).toBe(60_000);
  });

  it("gives an ETA from history before any step of the run ends, then follows the run's own pace", () => {
    const history = new Map([['a', { perStepMs: 0, perDateMs: 1_000 }], ['b', { perStepMs: 0, perDateMs: 1_000 }]]);
    const progress = new RunProgress(
      [
        { id: 'a1', target: 'a', dates: 10, needs: [] },
        { id: 'a2', target: 'a', dates: 10, needs: [] },
        { id: 'b1', target: 'b', dates: 20, needs: ['a1', 'a2'] },
      ],
      { history, concurrency: 1 },
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
