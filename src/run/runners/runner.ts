/**
 * How a command step runs: as a local process (local.ts) or as a Cloud Run job execution
 * (cloud-run.ts). The executor schedules, a runner runs: others (Kubernetes Jobs, Batch) can
 * follow without touching the planner or the scheduling.
 */
import type { SpawnOutcome } from '../spawn.js';

export interface StepRun {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** BFTASK_* and the warehouse's variables. */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** Aborted on interruption or timeout: the step is stopped (process group killed, execution cancelled). */
  readonly signal: AbortSignal;
  /** The target's timeout, for runners that enforce it themselves too. */
  readonly timeoutMs?: number | undefined;
  /** Where it runs, as soon as known: what a later run needs to stop it after a crash. */
  readonly onStart?: ((where: { readonly pid: number } | { readonly execution: string }) => void) | undefined;
}

/** A process's ending, or a remote execution's failure in one line. */
export type RunOutcome = SpawnOutcome | { readonly kind: 'remote-failed'; readonly message: string };

export interface Runner {
  readonly name: string;
  /** Its own bound on steps in flight; undefined: it runs on this machine, under the global bound. */
  readonly slots: number | undefined;
  /** For --dry-run: `Cloud Run job backfill, us-west2, 10 at once`. */
  describe(): string;
  /** Checks, before anything runs, that steps can run there (exit 2 with one line if not). */
  preflight?(): Promise<void>;
  run(step: StepRun): Promise<RunOutcome>;
  /**
   * Stops what dead runs left running there: the executions their attempts recorded, and any
   * still running that carry one of `runs` as BFTASK_RUN (started just before the crash, before
   * their name was recorded). Returns the names it cancelled.
   */
  cancelOrphans?(runs: readonly string[], executions: readonly string[]): Promise<string[]>;
}
