/**
 * Which steps may start now: the count of running steps against each bound (global, target,
 * pool, remote runner) and the order among waiting steps. Synchronous and clock-free, so the
 * scheduler and the ETA's replay (report/eta.ts) start steps by the very same rules.
 */
import type { Limits } from '../plan/limits.js';

export interface SlotRequest {
  readonly target: string;
  /** The pool the target belongs to, if any. */
  readonly pool: string | undefined;
  /** Higher starts first. */
  readonly priority: number;
  /** A remote runner: its own bound instead of the global one (which bounds this machine). */
  readonly runner?: string | undefined;
}

export interface Bounds {
  readonly global: number;
  readonly target: (name: string) => number | undefined;
  readonly pool: (name: string) => number | undefined;
  readonly runner?: (name: string) => number | undefined;
}

/** A waiting request and when it began to wait. */
export interface Waiting extends SlotRequest {
  readonly seq: number;
}

/** Before: higher priority first, then the one that waited longest. */
export const before = (a: Waiting, b: Waiting): boolean => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);

/** The bounds `limits` describe. */
export function boundsOf(limits: Limits): Bounds {
  return {
    global: limits.concurrency,
    target: (name) => limits.targets?.get(name)?.concurrency,
    pool: (name) => limits.pools?.get(name),
    runner: (name) => limits.runners?.get(name),
  };
}

/** What a step of `target` asks for under `limits`. */
export function requestOf(limits: Limits, target: string, priority: number): SlotRequest {
  const own = limits.targets?.get(target);
  return { target, pool: own?.pool, runner: own?.runner, priority };
}

/** Steps running against each bound. */
export class Slots {
  private running = 0;
  private readonly byTarget = new Map<string, number>();
  private readonly byPool = new Map<string, number>();
  private readonly byRunner = new Map<string, number>();

  constructor(private readonly bounds: Bounds) {}

  /** Whether `r` may start now. */
  fits(r: SlotRequest): boolean {
    if (r.runner !== undefined) {
      if ((this.byRunner.get(r.runner) ?? 0) >= (this.bounds.runner?.(r.runner) ?? this.bounds.global)) return false;
    } else if (this.running >= this.bounds.global) return false;
    const own = this.bounds.target(r.target);
    if (own !== undefined && (this.byTarget.get(r.target) ?? 0) >= own) return false;
    if (r.pool !== undefined) {
      const size = this.bounds.pool(r.pool);
      if (size !== undefined && (this.byPool.get(r.pool) ?? 0) >= size) return false;
    }
    return true;
  }

  take(r: SlotRequest): void {
    this.add(r, 1);
  }

  release(r: SlotRequest): void {
    this.add(r, -1);
  }

  private add(r: SlotRequest, n: number): void {
    if (r.runner !== undefined) this.byRunner.set(r.runner, (this.byRunner.get(r.runner) ?? 0) + n);
    else this.running += n;
    this.byTarget.set(r.target, (this.byTarget.get(r.target) ?? 0) + n);
    if (r.pool !== undefined) this.byPool.set(r.pool, (this.byPool.get(r.pool) ?? 0) + n);
  }
}
