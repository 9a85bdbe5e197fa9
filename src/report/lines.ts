/**
 * The reporter for nohup, CI and pipes: one timestamped line per step start, finish or failure.
 * `quiet` keeps only the failures; `verbose` adds each step's command line to its start.
 */
import type { IsoDate } from '../config/types.js';
import { parseStepId, type Plan, type Step } from '../plan/plan.js';
import { unreachable } from '../util/unreachable.js';
import { shellQuote } from '../util/shell.js';
import type { Reporter, RunEvent, RunInfo } from '../run/events.js';
import { PLAIN, type Paint } from './color.js';
import { counted, describeFailure, formatCount, formatDuration, stepName } from './format.js';

/** Local wall-clock time, `2026-11-25 10:15:02`, as a person tailing the log wants it. */
function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export interface LinesOptions {
  readonly paint?: Paint;
  /** Only failures. */
  readonly quiet?: boolean;
  /** Each step's command line at its start. */
  readonly verbose?: boolean;
}

export function linesReporter(
  write: (line: string) => void,
  calendar: readonly IsoDate[],
  shownPath: (file: string) => string,
  options: LinesOptions = {},
): Reporter {
  const paint = options.paint ?? PLAIN;
  const quiet = options.quiet ?? false;
  const done = new Map<string, number>();
  const pending = new Map<string, number>();
  const progress = (target: string) => `${target} ${formatCount(done.get(target) ?? 0)}/${formatCount(pending.get(target) ?? 0)}`;
  return {
    start(plan: Plan, info: RunInfo) {
      for (const t of plan.targets) pending.set(t.name, t.pending.length);
      if (quiet) return;
      const dates = plan.targets.reduce((n, t) => n + t.pending.length, 0);
      write(
        `${timestamp()} run ${info.runId}: ${counted(plan.steps.length, 'step')}, ${counted(dates, 'date')}, ` +
          `concurrency ${info.concurrency}, logs ${shownPath(info.logDir)}`,
      );
    },
    event(event: RunEvent) {
      const dates = (step: Step) => `(${counted(step.dates.length, 'date')})`;
      switch (event.type) {
        case 'attempt-started': {
          if (quiet) return;
          const { step, attempt } = event;
          const command = options.verbose ? `: ${commandOf(step)}` : '';
          write(`${timestamp()} start ${stepName(step)} ${dates(step)}${attempt > 1 ? ` attempt ${attempt}` : ''}${command}`);
          return;
        }
        case 'attempt-ended': {
          const { step, failure, next } = event;
          if (!failure) {
            done.set(step.target, (done.get(step.target) ?? 0) + step.dates.length);
            if (quiet) return;
            write(`${timestamp()} done  ${stepName(step)} ${dates(step)} in ${formatDuration(event.ms)} · ${progress(step.target)}`);
            return;
          }
          const then =
            next === undefined
              ? ''
              : 'retryInMs' in next
                ? ` · retry in ${formatDuration(next.retryInMs)}`
                : ` · bisecting: ${next.bisect.map(stepName).join(' and ')}`;
          write(`${timestamp()} ${paint.red('FAIL')}  ${stepName(step)} ${dates(step)}: ${describeFailure(failure, calendar)} · log ${shownPath(event.log)}${then}`);
          return;
        }
        case 'step-ended':
          if (quiet) return;
          for (const piece of event.outcome.pieces) {
            if (piece.kind === 'skipped') write(`${timestamp()} ${paint.yellow('skip')}  ${stepName(piece.step)} ${dates(piece.step)}: ${stepName(parseStepId(piece.because))} failed`);
          }
          return;
        default:
          unreachable(event);
      }
    },
    finish: async () => {},
  };
}

/** The command a step runs, as it could be typed (a SQL step: where it writes). */
function commandOf(step: Step): string {
  return step.action.kind === 'command' ? step.action.argv.map(shellQuote).join(' ') : `SQL @start=${step.start} @end=${step.end}`;
}
