/** The reporter for nohup, CI and pipes: one timestamped line per step start, finish or failure. */
import type { IsoDate } from '../config/types.js';
import { parseStepId, type Plan } from '../plan/plan.js';
import type { Reporter, RunEvent, RunInfo } from '../run/events.js';
import { counted, describeFailure, formatCount, formatDuration, stepName } from './format.js';

/** Local wall-clock time, `2026-11-25 10:15:02`, as a person tailing the log wants it. */
function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function linesReporter(
  write: (line: string) => void,
  calendar: readonly IsoDate[],
  shownPath: (file: string) => string,
): Reporter {
  const done = new Map<string, number>();
  const pending = new Map<string, number>();
  const progress = (target: string) => `${target} ${formatCount(done.get(target) ?? 0)}/${formatCount(pending.get(target) ?? 0)}`;
  return {
    start(plan: Plan, info: RunInfo) {
      for (const t of plan.targets) pending.set(t.name, t.pending.length);
      const dates = plan.targets.reduce((n, t) => n + t.pending.length, 0);
      write(
        `${timestamp()} run ${info.runId}: ${counted(plan.steps.length, 'step')}, ${counted(dates, 'date')}, ` +
          `concurrency ${info.concurrency}, logs ${shownPath(info.logDir)}`,
      );
    },
    event(event: RunEvent) {
      const { step } = event;
      const dates = `(${counted(step.dates.length, 'date')})`;
      if (event.type === 'step-started') {
        write(`${timestamp()} start ${stepName(step)} ${dates}`);
        return;
      }
      const { outcome } = event;
      if (outcome.kind === 'succeeded') {
        done.set(step.target, (done.get(step.target) ?? 0) + step.dates.length);
        write(`${timestamp()} done  ${stepName(step)} ${dates} in ${formatDuration(outcome.ms)} · ${progress(step.target)}`);
      } else if (outcome.kind === 'failed') {
        write(
          `${timestamp()} FAIL  ${stepName(step)} ${dates}: ${describeFailure(outcome.failure, calendar)} · ` +
            `log ${shownPath(outcome.log)}`,
        );
      } else if (outcome.kind === 'skipped') {
        write(`${timestamp()} skip  ${stepName(step)} ${dates}: ${stepName(parseStepId(outcome.because))} failed`);
      }
    },
    finish: async () => {},
  };
}
