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
import { Heap } from '../util/heap.js';
import { before, Slots, type Bounds, type SlotRequest, type Waiting } from './slots.js';

export type { Bounds, SlotRequest } from './slots.js';

interface Waiter extends Waiting {
  readonly grant: () => void;
}

export class Scheduler {
  /** Waiters per target: a target's bound applies to all of them alike, so its best is its head. */
  private readonly queues = new Map<string, Heap<Waiter>>();
  private readonly slots: Slots;
  private seq = 0;
  private pending = false;

  constructor(bounds: Bounds) {
    this.slots = new Slots(bounds);
  }

  /** Runs `work` once a slot is free for it; the slot is released when `work` settles. */
  async run<T>(request: SlotRequest, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      let queue = this.queues.get(request.target);
      if (!queue) this.queues.set(request.target, (queue = new Heap<Waiter>(before)));
      queue.push({ ...request, seq: this.seq++, grant });
      this.soon();
    });
    try {
      return await work();
    } finally {
      this.slots.release(request);
      this.soon();
    }
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
      let best: Heap<Waiter> | undefined;
      for (const queue of this.queues.values()) {
        const head = queue.peek();
        if (head === undefined || !this.slots.fits(head)) continue;
        const top = best?.peek();
        if (top === undefined || before(head, top)) best = queue;
      }
      const w = best?.pop();
      if (w === undefined) return;
      this.slots.take(w);
      w.grant();
    }
  }
}
