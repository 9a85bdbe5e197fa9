/** The typed events a run emits; reporters turn them into screens, lines or JSON. */
import type { IsoDate } from '../config/types.js';
import type { Shortfall } from '../outputs/checks.js';
import type { Cost } from '../plan/costs.js';
import type { Limits } from '../plan/limits.js';
import type { Plan, Step } from '../plan/plan.js';

/** Why a step failed: each ending of a process has its own reason and message. */
export type Failure =
  | { readonly reason: 'exit-non-zero'; readonly code: number }
  | { readonly reason: 'signal'; readonly signal: string }
  | { readonly reason: 'spawn-failed'; readonly message: string }
  | { readonly reason: 'sql-failed'; readonly message: string }
  | { readonly reason: 'still-missing'; readonly missing: readonly IsoDate[]; readonly label: string; readonly afterSql?: boolean }
  /** The step ended well and its dates are there, but some fail a data check (too few rows, the check query). */
  | {
      readonly reason: 'still-thin';
      readonly target: string;
      readonly thin: readonly { readonly date: IsoDate; readonly shortfall: Shortfall }[];
      readonly afterSql?: boolean;
    }
  /** The step ended well, but reading its dates back from the output failed (a warehouse error). */
  | { readonly reason: 'check-failed'; readonly message: string }
  /** Something between bftask and the step broke (its log could not be written, a client threw). */
  | { readonly reason: 'error'; readonly message: string }
  /** A remote execution (Cloud Run) failed, or could not be started: its name and why, in one line. */
  | { readonly reason: 'remote-failed'; readonly message: string }
  /** It ran past its target's `timeout` and its process group was killed. */
  | { readonly reason: 'timed-out'; readonly ms: number }
  /** Killed because bftask itself was interrupted. */
  | { readonly reason: 'interrupted' };

/**
 * What became of some of a planned step's dates. A step usually ends as one piece; after a
 * failure, bisection splits it into pieces that built and pieces that failed, and a dependent
 * whose inputs failed for some dates runs the rest and skips those.
 */
export type Piece =
  | { readonly kind: 'built'; readonly step: Step; readonly attempts: number; readonly ms: number }
  | { readonly kind: 'failed'; readonly step: Step; readonly failure: Failure; readonly attempts: number; readonly ms: number; readonly log: string }
  /** An upstream date these dates read failed or was skipped: `because` is the failed piece's id. */
  | { readonly kind: 'skipped'; readonly step: Step; readonly because: string }
  /** Never started: the run was interrupted, or stopped by --fail-fast. */
  | { readonly kind: 'not-started'; readonly step: Step };

/** A planned step's ending: its pieces, in date order, covering exactly its dates. */
export interface StepOutcome {
  readonly pieces: readonly Piece[];
}

/** The dates of `outcome` that were built. */
export function builtDates(outcome: StepOutcome | undefined): IsoDate[] {
  return (outcome?.pieces ?? []).flatMap((p) => (p.kind === 'built' ? p.step.dates : []));
}

/** True when every date of the step was built. */
export const isComplete = (outcome: StepOutcome | undefined): boolean =>
  outcome !== undefined && outcome.pieces.every((p) => p.kind === 'built');

export type RunEvent =
  /** An attempt of (part of) a planned step starts: `step` is what runs, `planned` the plan's step. */
  | { readonly type: 'attempt-started'; readonly step: Step; readonly planned: Step; readonly attempt: number; readonly log: string }
  | {
      readonly type: 'attempt-ended';
      readonly step: Step;
      readonly planned: Step;
      readonly attempt: number;
      readonly failure: Failure | undefined;
      readonly ms: number;
      readonly log: string;
      /** After a failure: what happens next. */
      readonly next?: { readonly retryInMs: number } | { readonly bisect: readonly Step[] } | undefined;
    }
  | { readonly type: 'step-ended'; readonly step: Step; readonly outcome: StepOutcome };

export interface RunInfo {
  readonly runId: string;
  /** The run's log folder, as shown to the user. */
  readonly logDir: string;
  readonly concurrency: number;
  /** Every bound its steps start within (the global one is `concurrency`). */
  readonly limits?: Limits;
  /** Each step's critical-path priority, by id: the order the scheduler starts ready steps in. */
  readonly priorities?: ReadonlyMap<string, number>;
  /** What each target's steps cost in earlier runs (the ledger), for the ETA before this run has its own figures. */
  readonly history?: ReadonlyMap<string, Cost>;
}

/** A renderer of a run: the listr2 task list, plain lines, or nothing. */
export interface Reporter {
  start(plan: Plan, info: RunInfo): void;
  event(event: RunEvent): void;
  /** Stops drawing; the summary is printed after this resolves. */
  finish(): Promise<void>;
}
