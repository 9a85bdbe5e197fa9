/**
 * Where a run stands: per planned step, what is running, built, failed or skipped; per target,
 * dates done and the rate; and, from those and past costs, the ETA. Fed by the run's own events
 * (the progress displays) or by its attempts in the ledger (`bftask status` in another terminal),
 * so both say the same thing. No clock of its own: callers pass `now`.
 */
import { blendCost, type Cost } from '../plan/costs.js';
import type { Timing } from '../plan/estimate.js';
import type { Limits } from '../plan/limits.js';
import type { Plan } from '../plan/plan.js';
import type { RunEvent, RunInfo } from '../run/events.js';
import { unreachable } from '../util/unreachable.js';
import { estimate, type Eta, type EtaStep } from './eta.js';

/** A planned step, as much of it as progress needs. */
export interface ProgressStep {
  readonly id: string;
  readonly target: string;
  readonly dates: number;
  readonly needs: readonly string[];
  /** Its critical-path priority in the scheduler. */
  readonly priority?: number;
}

export interface ProgressOptions {
  /** Each target's cost from earlier runs, where the ledger knows it. */
  readonly history?: ReadonlyMap<string, Cost>;
  /** The bounds its steps start within. */
  readonly limits: Limits;
}

interface StepState {
  readonly step: ProgressStep;
  /** Running attempts by key, with when they started and their dates. */
  readonly running: Map<string, { since: number; dates: number }>;
  settledDates: number;
  ended: boolean;
}

export interface TargetProgress {
  readonly name: string;
  /** Dates this run is to build. */
  readonly total: number;
  built: number;
  failed: number;
  skipped: number;
  running: number;
  /** When its first attempt started. */
  firstStart: number | undefined;
  /** Finished attempts of this run: its own cost so far. */
  readonly samples: Timing[];
}

export class RunProgress {
  readonly #steps = new Map<string, StepState>();
  readonly #targets = new Map<string, TargetProgress>();
  readonly #options: ProgressOptions;

  constructor(steps: readonly ProgressStep[], options: ProgressOptions) {
    this.#options = options;
    for (const step of steps) {
      this.#steps.set(step.id, { step, running: new Map(), settledDates: 0, ended: false });
      const t = this.#target(step.target);
      (t as { total: number }).total += step.dates;
    }
  }

  #target(name: string): TargetProgress {
    let t = this.#targets.get(name);
    if (!t) this.#targets.set(name, (t = { name, total: 0, built: 0, failed: 0, skipped: 0, running: 0, firstStart: undefined, samples: [] }));
    return t;
  }

  /** An attempt of (part of) planned step `stepId` started. */
  started(stepId: string, key: string, dates: number, at: number): void {
    const s = this.#steps.get(stepId);
    if (!s) return;
    s.running.set(key, { since: at, dates });
    const t = this.#target(s.step.target);
    t.running++;
    t.firstStart = Math.min(t.firstStart ?? at, at);
  }

  /**
   * An attempt ended. `final`: no retry or bisection follows, so its dates are settled either
   * way; `ok`: they were built, in `ms`.
   */
  ended(stepId: string, key: string, dates: number, ms: number, ok: boolean, final: boolean): void {
    const s = this.#steps.get(stepId);
    if (!s) return;
    const t = this.#target(s.step.target);
    if (s.running.delete(key)) t.running--;
    if (ok) {
      t.built += dates;
      t.samples.push({ dates, ms });
    } else if (final) t.failed += dates;
    if (ok || final) this.#settle(s, dates);
  }

  /** Dates of a planned step skipped because an input failed. */
  skipped(stepId: string, dates: number): void {
    const s = this.#steps.get(stepId);
    if (!s) return;
    this.#target(s.step.target).skipped += dates;
    this.#settle(s, dates);
  }

  /** The planned step has ended altogether (also when interrupted with dates never started). */
  stepEnded(stepId: string): void {
    const s = this.#steps.get(stepId);
    if (s) s.ended = true;
  }

  #settle(s: StepState, dates: number): void {
    s.settledDates += dates;
    if (s.settledDates >= s.step.dates && s.running.size === 0) s.ended = true;
  }

  target(name: string): TargetProgress | undefined {
    return this.#targets.get(name);
  }

  get targets(): readonly TargetProgress[] {
    return [...this.#targets.values()];
  }

  /** Planned steps with an attempt running now, with the earliest start among their attempts. */
  runningSteps(): { step: ProgressStep; since: number }[] {
    const out: { step: ProgressStep; since: number }[] = [];
    for (const s of this.#steps.values()) {
      if (s.running.size === 0) continue;
      out.push({ step: s.step, since: Math.min(...[...s.running.values()].map((r) => r.since)) });
    }
    return out;
  }

  /** Dates built per millisecond since the target's first attempt started; undefined before one ends. */
  rate(name: string, now: number): number | undefined {
    const t = this.#targets.get(name);
    if (!t || t.built === 0 || t.firstStart === undefined) return undefined;
    return t.built / Math.max(1, now - t.firstStart);
  }

  /** The ETA of every target with dates left, and of the run. */
  estimate(now: number): Eta {
    const models = new Map<string, Cost>();
    for (const t of this.#targets.values()) {
      const model = blendCost(this.#options.history?.get(t.name), t.samples);
      if (model) models.set(t.name, model);
    }
    const steps: EtaStep[] = [];
    for (const s of this.#steps.values()) {
      const left = Math.max(0, s.step.dates - s.settledDates);
      let state: EtaStep['state'];
      if (s.ended || left === 0) state = 'done';
      else if (s.running.size > 0) {
        // Bisected halves run side by side: the step takes as long as its longest running part.
        const parts = [...s.running.values()];
        state = { runningSince: Math.min(...parts.map((p) => p.since)) };
        steps.push({ ...s.step, dates: Math.max(...parts.map((p) => p.dates)), state });
        continue;
      } else state = 'waiting';
      steps.push({ ...s.step, dates: left, state });
    }
    return estimate({ steps, models, limits: this.#options.limits, now });
  }
}

/** A run's progress, from its plan: every step with its pending dates. */
export function progressOf(plan: Plan, info: RunInfo): RunProgress {
  return new RunProgress(
    plan.steps.map((s) => ({ id: s.id, target: s.target, dates: s.dates.length, needs: s.needs, priority: info.priorities?.get(s.id) })),
    { history: info.history, limits: info.limits ?? { concurrency: info.concurrency } },
  );
}

/** Feeds one of the run's events to its progress, as of `now`. */
export function feed(progress: RunProgress, event: RunEvent, now: number): void {
  switch (event.type) {
    case 'attempt-started':
      progress.started(event.planned.id, `${event.step.id}#${event.attempt}`, event.step.dates.length, now);
      return;
    case 'attempt-ended':
      progress.ended(event.planned.id, `${event.step.id}#${event.attempt}`, event.step.dates.length, event.ms, !event.failure, !event.next);
      return;
    case 'step-ended':
      for (const piece of event.outcome.pieces) if (piece.kind === 'skipped') progress.skipped(event.step.id, piece.step.dates.length);
      progress.stepEnded(event.step.id);
      return;
    default:
      unreachable(event);
  }
}
