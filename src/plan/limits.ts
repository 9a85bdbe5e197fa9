/**
 * The bounds a run's steps start within — global, per target, per pool, per remote runner — as
 * plain data: the executor's scheduler enforces them, the ETA replays them, and the ledger keeps
 * them with the run so `bftask status` in another process replays the same.
 */
import type { Config } from '../config/config.js';

export interface TargetLimits {
  /** Its own bound on steps at once. */
  readonly concurrency?: number | undefined;
  /** The pool whose bound it shares. */
  readonly pool?: string | undefined;
  /** The remote runner its steps run on: they take that runner's slots, not the global ones. */
  readonly runner?: string | undefined;
}

export interface Limits {
  /** Steps at once on this machine (`-j`). */
  readonly concurrency: number;
  /** Targets with any limit of their own. */
  readonly targets?: ReadonlyMap<string, TargetLimits>;
  readonly pools?: ReadonlyMap<string, number>;
  /** Remote runners' slots. */
  readonly runners?: ReadonlyMap<string, number>;
}

/** The limits `config` sets on a run with global bound `concurrency`. */
export function limitsOf(config: Config, concurrency: number): Limits {
  const targets = new Map<string, TargetLimits>();
  for (const t of config.targets.values()) {
    if (t.concurrency !== undefined || t.pool !== undefined || t.runner !== undefined) {
      targets.set(t.name, { concurrency: t.concurrency, pool: t.pool, runner: t.runner });
    }
  }
  const runners = new Map([...config.runners].map(([name, r]) => [name, r.slots]));
  return { concurrency, targets, pools: config.pools, runners };
}
