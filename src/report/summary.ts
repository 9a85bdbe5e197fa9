/** The end-of-run report: what was built, what failed and why, what to type next. */
import type { IsoDate } from '../config/types.js';
import type { Plan, Step } from '../plan/plan.js';
import type { StepOutcome } from '../run/events.js';
import { counted, describeFailure, formatCount, formatDuration, stepName } from './format.js';

export interface SummaryInput {
  readonly plan: Plan;
  readonly calendar: readonly IsoDate[];
  readonly outcomes: ReadonlyMap<string, StepOutcome>;
  /** The last lines of each failed step's log, by step id: the real error is usually there. */
  readonly tails: ReadonlyMap<string, readonly string[]>;
  readonly elapsedMs: number;
  readonly logDir: string;
  readonly interrupted: boolean;
  /** The command that builds what this run left undone. */
  readonly rerun: string | undefined;
  /** Makes a log path relative to where the user stands. */
  readonly shownPath: (file: string) => string;
}

/** The summary lines printed after the progress display stops. */
export function formatSummary(input: SummaryInput): string {
  const { plan, outcomes } = input;
  const byKind = (kind: StepOutcome['kind']) => plan.steps.filter((s) => outcomes.get(s.id)?.kind === kind);
  const succeeded = byKind('succeeded');
  const failed = byKind('failed');
  const notStarted = plan.steps.filter((s) => (outcomes.get(s.id)?.kind ?? 'not-started') === 'not-started');
  const dates = succeeded.reduce((n, s) => n + s.dates.length, 0);
  const incomplete = new Set([...failed, ...byKind('skipped'), ...notStarted].map((s) => s.target));
  const complete = plan.targets.length - incomplete.size;
  const lines: string[] = [];

  if (failed.length === 0 && notStarted.length === 0 && !input.interrupted) {
    lines.push(
      `✔ ${counted(succeeded.length, 'step')}, ${counted(dates, 'date')} built in ${formatDuration(input.elapsedMs)}` +
        ` · ${counted(plan.targets.length, 'target')} complete · logs ${input.shownPath(input.logDir)}`,
    );
    return lines.join('\n');
  }

  const head = input.interrupted ? '✖ interrupted' : `✖ ${failed.length} step${failed.length === 1 ? '' : 's'} failed`;
  lines.push(
    `${head}, ${complete} target${complete === 1 ? '' : 's'} complete, ${incomplete.size} incomplete` +
      ` · ${counted(succeeded.length, 'step')} (${counted(dates, 'date')}) built in ${formatDuration(input.elapsedMs)}`,
  );
  for (const step of failed) {
    const outcome = outcomes.get(step.id);
    if (outcome?.kind !== 'failed') continue;
    const name = stepName(step);
    lines.push('', `  ${name}   ${describeFailure(outcome.failure, input.calendar)}`);
    const indent = `  ${' '.repeat(name.length)}   `;
    lines.push(`${indent}log: ${input.shownPath(outcome.log)}`);
    for (const line of input.tails.get(step.id) ?? []) lines.push(`${indent}│ ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`);
    const skipped = skippedBecause(plan.steps, outcomes, step.id);
    if (skipped) lines.push(`  skipped because of it: ${skipped}`);
  }
  if (notStarted.length > 0) lines.push('', `  not started: ${counted(notStarted.length, 'step')}`);
  if (input.rerun) lines.push('', `  re-run to ${input.interrupted ? 'resume' : 'retry what is left'}: ${input.rerun}`);
  return lines.join('\n');
}

/** `pdc 3 dates, mlfs 3 dates`: what a failed step kept from running, per target. */
function skippedBecause(steps: readonly Step[], outcomes: ReadonlyMap<string, StepOutcome>, failedId: string): string {
  const perTarget = new Map<string, number>();
  for (const step of steps) {
    const outcome = outcomes.get(step.id);
    if (outcome?.kind === 'skipped' && outcome.because === failedId) {
      perTarget.set(step.target, (perTarget.get(step.target) ?? 0) + step.dates.length);
    }
  }
  return [...perTarget].map(([target, n]) => `${target} ${counted(n, 'date')}`).join(', ');
}
