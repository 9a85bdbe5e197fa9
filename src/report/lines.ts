/**
 * The reporter for nohup, CI and pipes: one timestamped line per step start, finish or failure,
 * and, at most once a minute, one progress line per running target with its rate and ETA.
 * `quiet` keeps only the failures; `verbose` adds each step's command line to its start.
 */
import type { IsoDate } from '../config/types.js';
import { parseStepId, type Plan, type Step } from '../plan/plan.js';
import { unreachable } from '../util/unreachable.js';
import { shellQuote } from '../util/shell.js';
import type { Reporter, RunEvent, RunInfo } from '../run/events.js';
import { PLAIN, type Paint } from './color.js';
import { counted, describeFailure, formatCount, formatDuration, formatRate, stepName } from './format.js';
import { feed, progressOf, type RunProgress } from './progress.js';

/** How often running targets get a progress line. */
const PROGRESS_EVERY_MS = 60_000;

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
  readonly progressEveryMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

export function linesReporter(
  write: (line: string) => void,
  calendar: readonly IsoDate[],
  shownPath: (file: string) => string,
  options: LinesOptions = {},
): Reporter {
  const paint = options.paint ?? PLAIN;
  const now = options.now ?? Date.now;
  const stamp = () => timestamp(new Date(now()));
  const quiet = options.quiet ?? false;
  const done = new Map<string, number>();
  const pending = new Map<string, number>();
  const progressOfTarget = (target: string) => `${target} ${formatCount(done.get(target) ?? 0)}/${formatCount(pending.get(target) ?? 0)}`;
  let progress: RunProgress | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** `pcf 412/848 dates · 61 dates/h · ETA 7h10m` for each target with a step running. */
  const progressLines = () => {
    if (!progress) return;
    const at = now();
    const eta = progress.estimate(at);
    for (const t of progress.targets) {
      if (t.running === 0) continue;
      const parts = [`${t.name} ${formatCount(t.built)}/${formatCount(t.total)} dates`];
      const rate = progress.rate(t.name, at);
      if (rate !== undefined) parts.push(formatRate(rate));
      const ms = eta.targets.get(t.name);
      if (ms !== undefined && !eta.borrowed.has(t.name)) parts.push(`ETA ${formatDuration(ms)}`);
      write(`${stamp()} ${parts.join(' · ')}`);
    }
  };

  return {
    start(plan: Plan, info: RunInfo) {
      for (const t of plan.targets) pending.set(t.name, t.pending.length);
      progress = progressOf(plan, info);
      if (quiet) return;
      const dates = plan.targets.reduce((n, t) => n + t.pending.length, 0);
      write(
        `${stamp()} run ${info.runId}: ${counted(plan.steps.length, 'step')}, ${counted(dates, 'date')}, ` +
          `concurrency ${info.concurrency}, logs ${shownPath(info.logDir)}`,
      );
      timer = setInterval(progressLines, options.progressEveryMs ?? PROGRESS_EVERY_MS);
      timer.unref();
    },
    event(event: RunEvent) {
      if (progress) feed(progress, event, now());
      const dates = (step: Step) => `(${counted(step.dates.length, 'date')})`;
      switch (event.type) {
        case 'attempt-started': {
          if (quiet) return;
          const { step, attempt } = event;
          const command = options.verbose ? `: ${commandOf(step)}` : '';
          write(`${stamp()} start ${stepName(step)} ${dates(step)}${attempt > 1 ? ` attempt ${attempt}` : ''}${command}`);
          return;
        }
        case 'attempt-ended': {
          const { step, failure, next } = event;
          if (!failure) {
            done.set(step.target, (done.get(step.target) ?? 0) + step.dates.length);
            if (quiet) return;
            write(`${stamp()} done  ${stepName(step)} ${dates(step)} in ${formatDuration(event.ms)} · ${progressOfTarget(step.target)}`);
            return;
          }
          const then =
            next === undefined
              ? ''
              : 'retryInMs' in next
                ? ` · retry in ${formatDuration(next.retryInMs)}`
                : ` · bisecting: ${next.bisect.map(stepName).join(' and ')}`;
          write(`${stamp()} ${paint.red('FAIL')}  ${stepName(step)} ${dates(step)}: ${describeFailure(failure, calendar)} · log ${shownPath(event.log)}${then}`);
          return;
        }
        case 'step-ended':
          if (quiet) return;
          for (const piece of event.outcome.pieces) {
            if (piece.kind === 'skipped') write(`${stamp()} ${paint.yellow('skip')}  ${stepName(piece.step)} ${dates(piece.step)}: ${stepName(parseStepId(piece.because))} failed`);
          }
          return;
        default:
          unreachable(event);
      }
    },
    finish: async () => {
      if (timer) clearInterval(timer);
    },
  };
}

/** The command a step runs, as it could be typed (a SQL step: where it writes). */
function commandOf(step: Step): string {
  return step.action.kind === 'command' ? step.action.argv.map(shellQuote).join(' ') : `SQL @start=${step.start} @end=${step.end}`;
}
