/**
 * Every attempt goes to the ledger: a row before its process starts, its pid as soon as it has
 * one, its ending when it ends, and its dates as built once they passed the post-step check. A
 * crash at any moment leaves a record that says what was running and where.
 */
import type { Config } from '../config/config.js';
import type { AttemptEnd, Ledger } from '../ledger/ledger.js';
import { describeShortfall } from '../outputs/checks.js';
import type { Step } from '../plan/plan.js';
import { processStart, thisProcess } from '../util/processes.js';
import type { Failure, RunEvent } from './events.js';
import type { AttemptContext } from './executor.js';
import { runStep, type StepContext } from './step.js';

export interface Recorder {
  /** Runs one attempt of `step` (see ExecuteOptions.runAttempt), recording it. */
  runAttempt(step: Step, attempt: AttemptContext, signal: AbortSignal): Promise<Failure | undefined>;
  /** Records what the run's events say that no attempt did: skipped dates. */
  event(event: RunEvent): void;
}

export function recorder(ledger: Ledger, runId: string, config: Config, context: StepContext): Recorder {
  const { host } = thisProcess();
  /** Ledger row of each attempt, by `<step id>#<attempt>`, until its ending event arrives. */
  const rows = new Map<string, number>();
  return {
    async runAttempt(step, { planned, attempt, log }, signal) {
      const target = config.targets.get(step.target);
      const id = ledger.startAttempt({
        runId,
        stepId: planned.id,
        target: step.target,
        dates: step.dates,
        argv: step.action.kind === 'command' ? step.action.argv : undefined,
        attempt,
        log,
        started: Date.now(),
      });
      rows.set(`${step.id}#${attempt}`, id);
      let failure: Failure | undefined;
      try {
        failure = await runStep(context, step, {
          log,
          signal,
          timeoutMs: target?.timeoutMs,
          onStart: (where) =>
            'pid' in where ? ledger.attemptSpawned(id, { host, pid: where.pid, started: processStart(where.pid) }) : ledger.attemptExecution(id, where.execution),
        });
      } catch (error) {
        ledger.endAttempt(id, { outcome: 'failed', ended: Date.now(), message: String(error) });
        throw error;
      }
      ledger.finishAttempt(id, endOf(failure, Date.now()), failure ? undefined : { target: step.target, dates: step.dates, runId });
      return failure;
    },
    event(event) {
      if (event.type === 'attempt-ended') {
        const key = `${event.step.id}#${event.attempt}`;
        const id = rows.get(key);
        rows.delete(key);
        if (id !== undefined && event.next) ledger.attemptFollowedBy(id, 'retryInMs' in event.next ? 'retry' : 'bisect');
        return;
      }
      if (event.type !== 'step-ended') return;
      for (const piece of event.outcome.pieces) {
        if (piece.kind !== 'skipped') continue;
        const now = Date.now();
        const id = ledger.startAttempt({
          runId,
          stepId: event.step.id,
          target: piece.step.target,
          dates: piece.step.dates,
          argv: piece.step.action.kind === 'command' ? piece.step.action.argv : undefined,
          attempt: 0,
          log: undefined,
          started: now,
        });
        ledger.endAttempt(id, { outcome: 'skipped', ended: now, message: `${piece.because} failed` });
      }
    },
  };
}

/** An attempt's ending as the ledger records it. */
function endOf(failure: Failure | undefined, ended: number): AttemptEnd {
  if (!failure) return { outcome: 'succeeded', ended, exitCode: 0 };
  switch (failure.reason) {
    case 'exit-non-zero':
      return { outcome: 'failed', ended, exitCode: failure.code, message: `exited with code ${failure.code}` };
    case 'signal':
      return { outcome: 'failed', ended, signal: failure.signal, message: `killed by ${failure.signal}` };
    case 'timed-out':
      return { outcome: 'timed-out', ended, message: `timed out after ${Math.round(failure.ms / 1000)}s` };
    case 'interrupted':
      return { outcome: 'interrupted', ended, message: 'interrupted' };
    case 'still-missing':
      return { outcome: 'failed', ended, exitCode: 0, message: `${failure.missing.join(',')} still missing from ${failure.label}` };
    case 'still-thin':
      return {
        outcome: 'failed',
        ended,
        exitCode: 0,
        message: failure.thin.map((t) => `${t.date} ${describeShortfall(t.shortfall, failure.target)}`).join(', '),
      };
    case 'spawn-failed':
    case 'remote-failed':
    case 'sql-failed':
    case 'check-failed':
    case 'error':
      return { outcome: 'failed', ended, message: failure.message };
  }
}
