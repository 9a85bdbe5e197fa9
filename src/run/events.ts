/** The typed events a run emits; reporters turn them into screens, lines or JSON. */
import type { IsoDate } from '../config/types.js';
import type { Plan, Step } from '../plan/plan.js';

/** Why a step failed: each ending of a process has its own reason and message. */
export type Failure =
  | { readonly reason: 'exit-non-zero'; readonly code: number }
  | { readonly reason: 'signal'; readonly signal: string }
  | { readonly reason: 'spawn-failed'; readonly message: string }
  | { readonly reason: 'sql-failed'; readonly message: string }
  | { readonly reason: 'still-missing'; readonly missing: readonly IsoDate[]; readonly label: string; readonly afterSql?: boolean }
  /** The step ended well, but reading its dates back from the output failed (a warehouse error). */
  | { readonly reason: 'check-failed'; readonly message: string }
  /** Something between bftask and the step broke (its log could not be written, a client threw). */
  | { readonly reason: 'error'; readonly message: string }
  /** Killed because bftask itself was interrupted. */
  | { readonly reason: 'interrupted' };

export type StepOutcome =
  | { readonly kind: 'succeeded'; readonly ms: number }
  | { readonly kind: 'failed'; readonly failure: Failure; readonly ms: number; readonly log: string }
  /** An upstream step failed: `because` is the failed step's id. */
  | { readonly kind: 'skipped'; readonly because: string }
  /** The run was interrupted before it started. */
  | { readonly kind: 'not-started' };

export type RunEvent =
  | { readonly type: 'step-started'; readonly step: Step; readonly log: string }
  | { readonly type: 'step-ended'; readonly step: Step; readonly outcome: StepOutcome };

export interface RunInfo {
  readonly runId: string;
  /** The run's log folder, as shown to the user. */
  readonly logDir: string;
  readonly concurrency: number;
}

/** A renderer of a run: the listr2 task list, plain lines, or nothing. */
export interface Reporter {
  start(plan: Plan, info: RunInfo): void;
  event(event: RunEvent): void;
  /** Stops drawing; the summary is printed after this resolves. */
  finish(): Promise<void>;
}
