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
  /** A remote runner: its own bound instead of the global one (which bounds this machine). */
  readonly runner?: string | undefined;
}

interface Waiter extends SlotRequest {
  readonly seq: number;
  readonly grant: () => void;
}

export interface Bounds {
  readonly global: number;
  readonly target: (name: string) => number | undefined;
  readonly pool: (name: string) => number | undefined;
  readonly runner?: (name: string) => number | undefined;
}

/** Before: higher priority first, then the one that waited longest. */
const before = (a: Waiter, b: Waiter): boolean => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);

/** A binary heap of waiters, best first. */
class Queue {
  private readonly items: Waiter[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Waiter | undefined {
    return this.items[0];
  }

  push(w: Waiter): void {
    const items = this.items;
    items.push(w);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Waiter, items[parent] as Waiter)) break;
      [items[i], items[parent]] = [items[parent] as Waiter, items[i] as Waiter];
      i = parent;
    }
  }

  pop(): Waiter | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && before(items[l] as Waiter, items[best] as Waiter)) best = l;
      if (r < items.length && before(items[r] as Waiter, items[best] as Waiter)) best = r;
      if (best === i) break;
      [items[i], items[best]] = [items[best] as Waiter, items[i] as Waiter];
      i = best;
    }
    return top;
  }
}

export class Scheduler {
  /** Waiters per target: a target's bound applies to all of them alike, so its best is its head. */
  private readonly queues = new Map<string, Queue>();
  private running = 0;
  private readonly byTarget = new Map<string, number>();
  private readonly byPool = new Map<string, number>();
  private readonly byRunner = new Map<string, number>();
  private seq = 0;
  private pending = false;

  constructor(private readonly bounds: Bounds) {}

  /** Runs `work` once a slot is free for it; the slot is released when `work` settles. */
  async run<T>(request: SlotRequest, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      let queue = this.queues.get(request.target);
      if (!queue) this.queues.set(request.target, (queue = new Queue()));
      queue.push({ ...request, seq: this.seq++, grant });
      this.soon();
    });
    try {
      return await work();
    } finally {
      this.release(request);
    }
  }

  private fits(w: SlotRequest): boolean {
    if (w.runner !== undefined) {
      if ((this.byRunner.get(w.runner) ?? 0) >= (this.bounds.runner?.(w.runner) ?? this.bounds.global)) return false;
    } else if (this.running >= this.bounds.global) return false;
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

  /** Grants free slots to the best waiters that fit, best first: one look per target, not per step. */
  private dispatch(): void {
    for (;;) {
      let best: Queue | undefined;
      for (const queue of this.queues.values()) {
        const head = queue.peek();
        if (head === undefined || !this.fits(head)) continue;
        const top = best?.peek();
        if (top === undefined || before(head, top)) best = queue;
      }
      const w = best?.pop();
      if (w === undefined) return;
      if (w.runner !== undefined) this.byRunner.set(w.runner, (this.byRunner.get(w.runner) ?? 0) + 1);
      else this.running++;
      this.byTarget.set(w.target, (this.byTarget.get(w.target) ?? 0) + 1);
      if (w.pool !== undefined) this.byPool.set(w.pool, (this.byPool.get(w.pool) ?? 0) + 1);
      w.grant();
    }
  }

  private release(request: SlotRequest): void {
    if (request.runner !== undefined) this.byRunner.set(request.runner, (this.byRunner.get(request.runner) ?? 1) - 1);
    else this.running--;
    this.byTarget.set(request.target, (this.byTarget.get(request.target) ?? 1) - 1);
    if (request.pool !== undefined) this.byPool.set(request.pool, (this.byPool.get(request.pool) ?? 1) - 1);
    this.soon();
  }
}
