// The cost model behind critical-path priorities and shard: 'auto', at its edges: what a
// ledger's history of (dates, duration) pairs says about start-up and time per date.
import { describe, expect, it } from 'vitest';
import { autoShard, DEFAULT_AUTO_SHARD, estimate } from '../../src/plan/estimate.js';

const timings = (...pairs: [number, number][]) => pairs.map(([dates, ms]) => ({ dates, ms }));

describe('estimate', () => {
  it('no history, or none usable: no estimate', () => {
    expect(estimate([])).toBeUndefined();
    // A step of no dates, or a negative duration (a clock set back), says nothing.
    expect(estimate(timings([0, 5_000], [3, -1]))).toBeUndefined();
  });

  it('unusable pairs are left out of the fit, not averaged in', () => {
    // 1 s of start-up and 100 ms a date, exactly, beside the unusable pairs above.
    expect(estimate(timings([10, 2_000], [0, 5_000], [20, 3_000], [3, -1]))).toEqual({ startupMs: 1_000, perDateMs: 100, startupKnown: true });
  });

  it('one step size: start-up cannot be told apart, so all of it is time per date', () => {
    expect(estimate(timings([4, 2_000], [4, 3_000]))).toEqual({ startupMs: 0, perDateMs: 625, startupKnown: false });
  });

  it('noise that tilts the line down: no negative cost, the average per date instead', () => {
    // Longer steps took less time: the slope is negative.
    expect(estimate(timings([1, 4_000], [3, 2_000]))).toEqual({ startupMs: 0, perDateMs: 1_500, startupKnown: false });
  });

  it('a line through below zero at no dates: start-up 0, not negative', () => {
    // 1 date 100 ms, 3 dates 900 ms: slope 400, intercept -300.
    expect(estimate(timings([1, 100], [3, 900]))).toEqual({ startupMs: 0, perDateMs: 400, startupKnown: true });
  });
});

describe('autoShard', () => {
  it('without history: the default, within 2 x concurrency steps of the range', () => {
    expect(autoShard(undefined, 10_000, 4)).toBe(DEFAULT_AUTO_SHARD);
    expect(autoShard(undefined, 100, 4)).toBe(12);
    expect(autoShard(undefined, 3, 4)).toBe(1);
  });

  it('a start-up the history cannot tell apart: the default, not 1-date steps', () => {
    const oneSize = estimate(timings([3, 1_200], [3, 1_000]));
    expect(autoShard(oneSize, 10_000, 4)).toBe(DEFAULT_AUTO_SHARD);
    expect(autoShard(oneSize, 20, 3)).toBe(3);
  });

  it('no start-up at all: 1-date steps; no cost at all: as large as parallelism allows', () => {
    expect(autoShard({ startupMs: 0, perDateMs: 50, startupKnown: true }, 800, 4)).toBe(1);
    expect(autoShard({ startupMs: 0, perDateMs: 0, startupKnown: true }, 800, 4)).toBe(100);
  });

  it('start-up about 5% of a step, rounded up', () => {
    // 1,000 ms start-up at 5% is a 20,000 ms step: 19,000 ms of dates at 300 ms is 63.3, so 64.
    const fit = { startupMs: 1_000, perDateMs: 300, startupKnown: true };
    expect(autoShard(fit, 100_000, 4)).toBe(64);
    expect(autoShard(fit, 400, 4)).toBe(50);
  });
});
