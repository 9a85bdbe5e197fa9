/**
 * When a run will end, from what each target's steps cost before (the ledger's past attempts)
 * and what they cost in this run so far. Pure: samples, step states and a clock reading in,
 * estimates out.
 *
 * A step's cost is `perStepMs + perDateMs × dates`: a fixed start-up (process start, client
 * connections) plus the dates' work. The estimate replays the remaining steps the way the
 * executor runs them — a step starts once the steps it reads have ended, within the global and
 * per-target bounds, in the order it became ready — so a target that waits on another finishes
 * after it, not in parallel with it as a sum of rows would say.
 */
import { stepCost, type CostModel } from '../plan/costs.js';

/** A planned step as the estimate sees it. */
export interface EtaStep {
  readonly id: string;
  readonly target: string;
  /** Dates still to build (all of them unless part already built). */
  readonly dates: number;
  /** Ids of steps that must end before it starts. */
  readonly needs: readonly string[];
  /** `done`: settled (built, failed or skipped); a number: running since then (ms since the epoch). */
  readonly state: 'waiting' | 'done' | { readonly runningSince: number };
}

export interface EtaInput {
  /** In plan order: every step after the steps it needs. */
  readonly steps: readonly EtaStep[];
  /** Cost per target, where known. */
  readonly models: ReadonlyMap<string, CostModel>;
  readonly concurrency: number;
  readonly targetConcurrency?: ReadonlyMap<string, number>;
  readonly now: number;
}

export interface Eta {
  /** Milliseconds from now until each target with steps left has ended; undefined when unknown. */
  readonly targets: ReadonlyMap<string, number | undefined>;
  /** Until the last step ends; undefined when nothing is known. */
  readonly overallMs: number | undefined;
  /** Targets with no cost of their own, estimated from the others' median. */
  readonly borrowed: ReadonlySet<string>;
}

/** Replays the remaining steps with estimated costs; see the file's comment. */
export function estimate(input: EtaInput): Eta {
  const { steps, now } = input;
  const known = [...input.models.values()];
  const targets = new Map<string, number | undefined>();
  const borrowed = new Set<string>();
  if (known.length === 0) {
    for (const s of steps) if (s.state !== 'done') targets.set(s.target, undefined);
    return { targets, overallMs: undefined, borrowed };
  }
  const fallback: CostModel = { perStepMs: median(known.map((m) => m.perStepMs)), perDateMs: median(known.map((m) => m.perDateMs)) };
  const modelOf = (target: string): CostModel => {
    const own = input.models.get(target);
    if (own) return own;
    borrowed.add(target);
    return fallback;
  };

  const index = new Map(steps.map((s, i) => [s.id, i]));
  /** When each step ends, relative to now (0 for steps already done). */
  const endsAt = new Float64Array(steps.length);
  const unmet = new Int32Array(steps.length);
  const dependents: number[][] = steps.map(() => []);
  const running = new Heap();
  const busy = new Map<string, number>();
  let slots = input.concurrency;
  const limitOf = (target: string) => input.targetConcurrency?.get(target) ?? input.concurrency;

  // Ready steps wait in one queue per target, in the order they became ready (then plan order),
  // as they do in the executor's per-target limits; the next to start is the oldest head whose
  // target has a free slot.
  const queues = new Map<string, { items: number[]; head: number }>();
  let order = 0;
  const readyOrder = new Float64Array(steps.length);
  const enqueue = (i: number) => {
    const target = (steps[i] as EtaStep).target;
    let q = queues.get(target);
    if (!q) queues.set(target, (q = { items: [], head: 0 }));
    q.items.push(i);
    readyOrder[i] = order++;
  };

  steps.forEach((step, i) => {
    for (const need of step.needs) {
      const j = index.get(need);
      if (j === undefined || (steps[j] as EtaStep).state === 'done') continue;
      unmet[i] = (unmet[i] as number) + 1;
      (dependents[j] as number[]).push(i);
    }
  });
  steps.forEach((step, i) => {
    if (step.state === 'done') return;
    if (step.state === 'waiting') {
      if (unmet[i] === 0) enqueue(i);
      return;
    }
    // Past its estimate, a running step counts as ending now.
    const left = Math.max(0, stepCost(modelOf(step.target), step.dates) - (now - step.state.runningSince));
    endsAt[i] = left;
    running.push(left, i);
    slots--;
    busy.set(step.target, (busy.get(step.target) ?? 0) + 1);
  });

  let t = 0;
  const startReady = () => {
    while (slots > 0) {
      let best: { target: string; q: { items: number[]; head: number } } | undefined;
      for (const [target, q] of queues) {
        if (q.head >= q.items.length || (busy.get(target) ?? 0) >= limitOf(target)) continue;
        if (!best || (readyOrder[q.items[q.head] as number] as number) < (readyOrder[best.q.items[best.q.head] as number] as number)) best = { target, q };
      }
      if (!best) return;
      const i = best.q.items[best.q.head++] as number;
      const step = steps[i] as EtaStep;
      const ends = t + stepCost(modelOf(step.target), step.dates);
      endsAt[i] = ends;
      running.push(ends, i);
      slots--;
      busy.set(step.target, (busy.get(step.target) ?? 0) + 1);
    }
  };

  startReady();
  for (let next = running.pop(); next; next = running.pop()) {
    t = next.at;
    const step = steps[next.item] as EtaStep;
    slots++;
    busy.set(step.target, (busy.get(step.target) ?? 1) - 1);
    for (const d of dependents[next.item] as number[]) {
      unmet[d] = (unmet[d] as number) - 1;
      if (unmet[d] === 0) enqueue(d);
    }
    startReady();
  }

  let overall = 0;
  steps.forEach((step, i) => {
    if (step.state === 'done') return;
    const ends = endsAt[i] as number;
    targets.set(step.target, Math.max(targets.get(step.target) ?? 0, ends));
    overall = Math.max(overall, ends);
  });
  return { targets, overallMs: targets.size > 0 ? overall : 0, borrowed };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A binary min-heap of (time, item), ties broken by item (plan order). */
class Heap {
  #at: number[] = [];
  #item: number[] = [];

  push(at: number, item: number): void {
    this.#at.push(at);
    this.#item.push(item);
    let i = this.#at.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): { at: number; item: number } | undefined {
    if (this.#at.length === 0) return undefined;
    const top = { at: this.#at[0] as number, item: this.#item[0] as number };
    const lastAt = this.#at.pop() as number;
    const lastItem = this.#item.pop() as number;
    if (this.#at.length > 0) {
      this.#at[0] = lastAt;
      this.#item[0] = lastItem;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.#at.length && this.#less(l, m)) m = l;
        if (r < this.#at.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top;
  }

  #less(a: number, b: number): boolean {
    const x = this.#at[a] as number;
    const y = this.#at[b] as number;
    return x < y || (x === y && (this.#item[a] as number) < (this.#item[b] as number));
  }

  #swap(a: number, b: number): void {
    [this.#at[a], this.#at[b]] = [this.#at[b] as number, this.#at[a] as number];
    [this.#item[a], this.#item[b]] = [this.#item[b] as number, this.#item[a] as number];
  }
}
