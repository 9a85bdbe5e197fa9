/**
 * Runs a plan's steps as their inputs become ready, within the global bound and each target's
 * own bound. A failed attempt is retried (with backoff) while the target's retries last; a
 * multi-date step that still fails is bisected down to the dates that fail, so the others get
 * built. A failure holds back only the dates that read it: a dependent step runs its other
 * dates. With --fail-fast, nothing new starts after the first final failure.
 */
import type { IsoDate } from '../config/types.js';
import { parseStepId, type Plan, type Step } from '../plan/plan.js';
import { addDays } from '../util/dates.js';
import { messageOf } from '../util/errors.js';
import type { Failure, Piece, RunEvent, StepOutcome } from './events.js';
import { Scheduler } from './scheduler.js';

/** How one target's failures are handled. */
export interface FailurePolicy {
  /** Attempts after the first, for the planned step's dates (bisected parts get none). */
  readonly retries: number;
  /** Wait before attempt `n + 1`, after `n` failed (n ≥ 1). */
  readonly retryDelayMs: (failed: number) => number;
  /** Split a failed multi-date step in halves, down to single dates. */
  readonly bisect: boolean;
}

export interface ExecuteOptions {
  readonly plan: Plan;
  readonly concurrency: number;
  /** A target's own bound, if it has one. */
  readonly targetConcurrency: (target: string) => number | undefined;
  /** The pool a target belongs to, and each pool's bound. */
  readonly poolOf?: (target: string) => string | undefined;
  readonly poolSize?: (pool: string) => number | undefined;
  /** A remote runner a target's steps run on, with its own bound (they take no global slot). */
  readonly runnerOf?: (target: string) => { readonly name: string; readonly slots: number } | undefined;
  /** Which ready step starts first: higher first (its critical path); default plan order. */
  readonly priority?: (step: Step) => number;
  readonly policy: (target: string) => FailurePolicy;
  /** How many days before a date `target` reads of `upstream` (0: the same date only). */
  readonly lookback: (target: string, upstream: string) => number;
  /** The step that builds `dates`, a part of `step`'s (the planner's `stepFor`). */
  readonly narrow: (step: Step, dates: readonly IsoDate[]) => Step;
  /** The side effect: run one attempt of `step` and check its output; undefined means it succeeded. */
  readonly runAttempt: (step: Step, attempt: AttemptContext, signal: AbortSignal) => Promise<Failure | undefined>;
  readonly logFile: (step: Step, attempt: number) => string;
  readonly emit: (event: RunEvent) => void;
  readonly signal: AbortSignal;
  /** Start nothing new after the first failure that retries did not cure. */
  readonly failFast?: boolean;
  readonly now?: () => number;
}

export interface AttemptContext {
  /** The plan's step this attempt builds (part of). */
  readonly planned: Step;
  readonly attempt: number;
  readonly log: string;
}

/** Runs every step (or skips it) and returns each planned step's outcome by id. */
export async function execute(options: ExecuteOptions): Promise<Map<string, StepOutcome>> {
  const { plan, signal } = options;
  const now = options.now ?? Date.now;
  const scheduler = new Scheduler({
    global: options.concurrency,
    target: options.targetConcurrency,
    pool: (name) => options.poolSize?.(name),
    runner: (name) => remoteSlots.get(name),
  });
  const remoteSlots = new Map<string, number>();
  const slot = <T>(planned: Step, work: () => Promise<T>): Promise<T> => {
    const runner = options.runnerOf?.(planned.target);
    if (runner) remoteSlots.set(runner.name, runner.slots);
    return scheduler.run({ target: planned.target, pool: options.poolOf?.(planned.target), priority: options.priority?.(planned) ?? 0, runner: runner?.name }, work);
  };
  let stopped = false;

  /**
   * One attempt, in a slot; undefined when it was never started (interrupted, or fail-fast).
   * `final`: no retry or bisection follows a failure, so --fail-fast stops here — decided before
   * the slot is released, or a queued step would start in between.
   */
  const attemptOnce = (planned: Step, step: Step, attempt: number, final: boolean) =>
    slot(planned, async () => {
      if (signal.aborted || stopped) return undefined;
      const log = options.logFile(step, attempt);
      options.emit({ type: 'attempt-started', step, planned, attempt, log });
      const started = now();
      let failure: Failure | undefined;
      try {
        failure = await options.runAttempt(step, { planned, attempt, log }, signal);
      } catch (error) {
        // Whatever breaks while one step runs is that step's failure, never the run's: other
        // steps are still running and must be supervised to the end.
        failure = signal.aborted ? { reason: 'interrupted' } : { reason: 'error', message: messageOf(error) };
      }
      if (failure && final && options.failFast) stopped = true;
      return { failure, log, ms: now() - started };
    });

  /** Builds `step` (part of `planned`): attempts, retries, then bisection. */
  const runPiece = async (planned: Step, step: Step, retries: number): Promise<Piece[]> => {
    const started = now();
    const policy = options.policy(step.target);
    const bisects = policy.bisect && step.dates.length > 1 && !options.failFast;
    for (let attempt = 1; ; attempt++) {
      const ran = await attemptOnce(planned, step, attempt, attempt > retries && !bisects);
      if (!ran) return [{ kind: 'not-started', step }];
      const { failure, log, ms } = ran;
      const ended = { type: 'attempt-ended', step, planned, attempt, failure, ms, log } as const;
      if (!failure) {
        options.emit(ended);
        return [{ kind: 'built', step, attempts: attempt, ms: now() - started }];
      }
      const failed: Piece = { kind: 'failed', step, failure, attempts: attempt, ms: now() - started, log };
      if (failure.reason === 'interrupted' || signal.aborted) {
        options.emit(ended);
        return [failed];
      }
      if (attempt <= retries && !stopped) {
        const retryInMs = policy.retryDelayMs(attempt);
        options.emit({ ...ended, next: { retryInMs } });
        await sleep(retryInMs, signal);
        if (signal.aborted || stopped) return [failed];
        continue;
      }
      if (bisects) {
        const half = Math.ceil(step.dates.length / 2);
        const halves = [step.dates.slice(0, half), step.dates.slice(half)].map((dates) => options.narrow(step, dates));
        options.emit({ ...ended, next: { bisect: halves } });
        return (await Promise.all(halves.map((h) => runPiece(planned, h, 0)))).flat();
      }
      options.emit(ended);
      return [failed];
    }
  };

  const outcomes = new Map<string, Promise<StepOutcome>>();

  const settle = async (step: Step): Promise<StepOutcome> => {
    const upstream = await Promise.all(
      step.needs.map((id) => {
        const outcome = outcomes.get(id);
        if (!outcome) throw new Error(`Internal error: ${step.id} needs unknown step ${id}`);
        return outcome;
      }),
    );
    // Each date whose inputs did not all build, and why.
    const held = new Map<IsoDate, { because: string } | 'not-started'>();
    step.needs.forEach((id, i) => {
      const lookback = options.lookback(step.target, parseStepId(id).target);
      for (const piece of upstream[i]?.pieces ?? []) {
        if (piece.kind === 'built') continue;
        // What an interruption stopped is not a failure to skip for: it was never started.
        const stoppedShort = piece.kind === 'not-started' || (piece.kind === 'failed' && piece.failure.reason === 'interrupted');
        const reason = stoppedShort ? 'not-started' : { because: piece.kind === 'skipped' ? piece.because : piece.step.id };
        for (const date of piece.step.dates) {
          const last = addDays(date, lookback);
          for (const d of step.dates) if (d >= date && d <= last && !held.has(d)) held.set(d, reason);
        }
      }
    });
    if (held.size === 0) return { pieces: await runPiece(step, step, options.policy(step.target).retries) };
    // Runs of neighbouring dates with the same fate: the free ones are built, the rest wait.
    const groups: { dates: IsoDate[]; reason: { because: string } | 'not-started' | undefined }[] = [];
    for (const date of step.dates) {
      const reason = held.get(date);
      const last = groups[groups.length - 1];
      if (last && last.reason === reason) last.dates.push(date);
      else groups.push({ dates: [date], reason });
    }
    const pieces = await Promise.all(
      groups.map(async ({ dates, reason }): Promise<Piece[]> => {
        const part = options.narrow(step, dates);
        if (reason === 'not-started') return [{ kind: 'not-started', step: part }];
        if (reason) return [{ kind: 'skipped', step: part, because: reason.because }];
        return runPiece(step, part, options.policy(step.target).retries);
      }),
    );
    return { pieces: pieces.flat() };
  };

  // Plan order puts every step after the steps it needs, so each lookup above finds a promise.
  for (const step of plan.steps) {
    outcomes.set(
      step.id,
      settle(step).then((outcome) => {
        options.emit({ type: 'step-ended', step, outcome });
        return outcome;
      }),
    );
  }
  const settled = await Promise.all([...outcomes].map(async ([id, outcome]) => [id, await outcome] as const));
  return new Map(settled);
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
