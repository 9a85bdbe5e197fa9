/**
 * Runs a plan's steps as their inputs become ready, within the global bound and each target's
 * own bound. A failed step fails only the steps that need it; independent ones go on.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Plan, Step } from '../plan/plan.js';
import { messageOf } from '../util/errors.js';
import type { Failure, RunEvent, StepOutcome } from './events.js';

export interface ExecuteOptions {
  readonly plan: Plan;
  readonly concurrency: number;
  /** A target's own bound, if it has one. */
  readonly targetConcurrency: (target: string) => number | undefined;
  /** The side effect: run the step and check its output; undefined means it succeeded. */
  readonly runStep: (step: Step, signal: AbortSignal) => Promise<Failure | undefined>;
  readonly logFile: (step: Step) => string;
  readonly emit: (event: RunEvent) => void;
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

/** Runs every step (or skips it) and returns each step's outcome by id. */
export async function execute(options: ExecuteOptions): Promise<Map<string, StepOutcome>> {
  const { plan, signal } = options;
  const now = options.now ?? Date.now;
  const global = pLimit(options.concurrency);
  const perTarget = new Map<string, LimitFunction>();
  const limitFor = (target: string): LimitFunction => {
    let limit = perTarget.get(target);
    if (!limit) {
      limit = pLimit(options.targetConcurrency(target) ?? options.concurrency);
      perTarget.set(target, limit);
    }
    return limit;
  };

  const outcomes = new Map<string, StepOutcome>();
  const running = new Map<string, Promise<StepOutcome>>();

  const runOne = async (step: Step): Promise<StepOutcome> => {
    const upstream = await Promise.all(step.needs.map((id) => running.get(id)));
    for (const [i, result] of upstream.entries()) {
      if (result === undefined) throw new Error(`Internal error: ${step.id} needs unknown step ${step.needs[i]}`);
      if (result.kind === 'failed') return { kind: 'skipped', because: step.needs[i] as string };
      if (result.kind === 'skipped') return result;
      if (result.kind === 'not-started') return result;
    }
    // The target's slot is taken before the global one, so a step waiting on its own target
    // never holds a global slot that another target could use.
    return limitFor(step.target)(() =>
      global(async (): Promise<StepOutcome> => {
        if (signal.aborted) return { kind: 'not-started' };
        const log = options.logFile(step);
        options.emit({ type: 'step-started', step, log });
        const started = now();
        let failure: Failure | undefined;
        try {
          failure = await options.runStep(step, signal);
        } catch (error) {
          // Whatever breaks while one step runs is that step's failure, never the run's: other
          // steps are still running and must be supervised to the end.
          failure = signal.aborted ? { reason: 'interrupted' } : { reason: 'error', message: messageOf(error) };
        }
        const ms = now() - started;
        return failure ? { kind: 'failed', failure, ms, log } : { kind: 'succeeded', ms };
      }),
    );
  };

  // Plan order puts every step after the steps it needs, so each lookup above finds a promise.
  for (const step of plan.steps) {
    const promise = runOne(step).then((outcome) => {
      outcomes.set(step.id, outcome);
      if (outcome.kind !== 'not-started') options.emit({ type: 'step-ended', step, outcome });
      return outcome;
    });
    running.set(step.id, promise);
  }
  await Promise.all(running.values());
  return outcomes;
}
