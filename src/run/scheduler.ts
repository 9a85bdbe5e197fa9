/**
 * Slots for running steps: the global bound, each target's own bound and each pool's bound at
 * once. When a slot frees, the waiting attempt with the highest priority (the longest remaining
 * path of work behind it) starts first; among equals, the one that waited longest. p-limit
 * cannot order its queue, hence this small scheduler.
 *
 * Slots are handed out on the next turn of the event loop, not at once: the steps made ready
 * by a step's end (its dependents) join the queue in the same turn, and must be able to
 * outrank a lower step that merely waited longer. Likewise at the start, every ready step
 * queues before the first slot is given.
 */

export interface SlotRequest {
  readonly target: string;
  /** The pool the target belongs to, if any. */
  readonly pool: string | undefined;
  /** Higher starts first. */
  readonly priority: number;
}

interface Waiter extends SlotRequest {
  readonly seq: number;
  readonly grant: () => void;
}

export interface Bounds {
  readonly global: number;
  readonly target: (name: string) => number | undefined;
  readonly pool: (name: string) => number | undefined;
}

export class Scheduler {
  private readonly waiting: Waiter[] = [];
  private running = 0;
  private readonly byTarget = new Map<string, number>();
  private readonly byPool = new Map<string, number>();
  private seq = 0;
  private pending = false;

  constructor(private readonly bounds: Bounds) {}

  /** Runs `work` once a slot is free for it; the slot is released when `work` settles. */
  async run<T>(request: SlotRequest, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      this.waiting.push({ ...request, seq: this.seq++, grant });
      this.soon();
    });
    try {
      return await work();
    } finally {
      this.release(request);
    }
  }

  private fits(w: SlotRequest): boolean {
    if (this.running >= this.bounds.global) return false;
    const own = this.bounds.target(w.target);
    if (own !== undefined && (this.byTarget.get(w.target) ?? 0) >= own) return false;
    if (w.pool !== undefined) {
      const size = this.bounds.pool(w.pool);
      if (size !== undefined && (this.byPool.get(w.pool) ?? 0) >= size) return false;
    }
    return true;
  }

  private soon(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.dispatch();
    });
  }

  /** Grants free slots to the best waiters that fit, best first. */
  private dispatch(): void {
    while (this.running < this.bounds.global) {
      let best = -1;
      for (let i = 0; i < this.waiting.length; i++) {
        const w = this.waiting[i] as Waiter;
        if (!this.fits(w)) continue;
        const b = this.waiting[best];
        if (b === undefined || w.priority > b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
      }
      if (best < 0) return;
      const [w] = this.waiting.splice(best, 1) as [Waiter];
      this.running++;
      this.byTarget.set(w.target, (this.byTarget.get(w.target) ?? 0) + 1);
      if (w.pool !== undefined) this.byPool.set(w.pool, (this.byPool.get(w.pool) ?? 0) + 1);
      w.grant();
    }
  }

  private release(request: SlotRequest): void {
    this.running--;
    this.byTarget.set(request.target, (this.byTarget.get(request.target) ?? 1) - 1);
    if (request.pool !== undefined) this.byPool.set(request.pool, (this.byPool.get(request.pool) ?? 1) - 1);
    this.soon();
  }
}
