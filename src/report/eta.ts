/**
 * When a run will end, from what each target's steps cost before (the ledger's past attempts)
 * and what they cost in this run so far. Pure: samples, step states and a clock reading in,
 * estimates out.
 *
 * A step's cost is `startupMs + perDateMs × dates`: a fixed start-up (process start, client
 * connections) plus the dates' work. The estimate replays the remaining steps the way the
 * executor runs them — a step is ready once the steps it reads have ended, and ready steps start
 * by the scheduler's own rules (run/slots.ts: the global, target, pool and runner bounds; higher
 * critical-path priority first, then the one ready longest) — so a target that waits on another
 * finishes after it, not in parallel with it as a sum of rows would say.
 */
import { stepCost, type Cost } from '../plan/costs.js';
import type { Limits } from '../plan/limits.js';
import { before, boundsOf, requestOf, Slots, type SlotRequest, type Waiting } from '../run/slots.js';
import { Heap } from '../util/heap.js';

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
  /** Its critical-path priority in the scheduler (higher starts first); 0 when unknown. */
  readonly priority?: number;
}

export interface EtaInput {
  /** In plan order: every step after the steps it needs. */
  readonly steps: readonly EtaStep[];
  /** Cost per target, where known. */
  readonly models: ReadonlyMap<string, Cost>;
  readonly limits: Limits;
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

interface Ready extends Waiting {
  readonly index: number;
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
  const fallback: Cost = { startupMs: median(known.map((m) => m.startupMs)), perDateMs: median(known.map((m) => m.perDateMs)) };
  const modelOf = (target: string): Cost => {
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
  const requests: SlotRequest[] = steps.map((s) => requestOf(input.limits, s.target, s.priority ?? 0));
  const slots = new Slots(boundsOf(input.limits));
  const ends = new Heap<{ at: number; index: number }>((a, b) => a.at < b.at || (a.at === b.at && a.index < b.index));
  // Ready steps wait in one queue per target, as in the scheduler: its best is the head.
  const queues = new Map<string, Heap<Ready>>();
  let seq = 0;
  const enqueue = (i: number) => {
    const request = requests[i] as SlotRequest;
    let q = queues.get(request.target);
    if (!q) queues.set(request.target, (q = new Heap<Ready>(before)));
    q.push({ ...request, seq: seq++, index: i });
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
    ends.push({ at: left, index: i });
    slots.take(requests[i] as SlotRequest);
  });

  let t = 0;
  /** The scheduler's dispatch: the best head among the queues whose request fits, until none does. */
  const startReady = () => {
    for (;;) {
      let best: Heap<Ready> | undefined;
      for (const q of queues.values()) {
        const head = q.peek();
        if (head === undefined || !slots.fits(head)) continue;
        const top = best?.peek();
        if (top === undefined || before(head, top)) best = q;
      }
      const r = best?.pop();
      if (r === undefined) return;
      slots.take(r);
      const step = steps[r.index] as EtaStep;
      endsAt[r.index] = t + stepCost(modelOf(step.target), step.dates);
      ends.push({ at: endsAt[r.index] as number, index: r.index });
    }
  };

  startReady();
  for (let next = ends.pop(); next; next = ends.pop()) {
    t = next.at;
    // Every step ending at this instant frees its slot and readies its dependents before any
    // slot is given, as the scheduler waits a turn of the event loop before dispatching.
    for (let ended: typeof next | undefined = next; ended; ended = ends.peek()?.at === t ? ends.pop() : undefined) {
      slots.release(requests[ended.index] as SlotRequest);
      for (const d of dependents[ended.index] as number[]) {
        unmet[d] = (unmet[d] as number) - 1;
        if (unmet[d] === 0) enqueue(d);
      }
    }
    startReady();
  }

  let overall = 0;
  steps.forEach((step, i) => {
    if (step.state === 'done') return;
    const end = endsAt[i] as number;
    targets.set(step.target, Math.max(targets.get(step.target) ?? 0, end));
    overall = Math.max(overall, end);
  });
  return { targets, overallMs: targets.size > 0 ? overall : 0, borrowed };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
