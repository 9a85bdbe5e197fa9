/** The end-of-run report: what was built, what failed and why, what to type next. */
import type { IsoDate } from '../config/types.js';
import type { Plan, Step } from '../plan/plan.js';
import type { Piece, StepOutcome } from '../run/events.js';
import { PLAIN, type Paint } from './color.js';
import { counted, describeFailure, formatDuration, stepName } from './format.js';

export interface SummaryInput {
  readonly plan: Plan;
  readonly calendar: readonly IsoDate[];
  readonly outcomes: ReadonlyMap<string, StepOutcome>;
  /** The last lines of each failed piece's log, by its step id: the real error is usually there. */
  readonly tails: ReadonlyMap<string, readonly string[]>;
  readonly elapsedMs: number;
  readonly logDir: string;
  readonly interrupted: boolean;
  /** The command that builds what this run left undone. */
  readonly rerun: string | undefined;
  /** Makes a log path relative to where the user stands. */
  readonly shownPath: (file: string) => string;
  readonly paint?: Paint;
}

/** At most this many "succeeded on attempt n" lines. */
const MAX_RETRIED_LINES = 10;

/** The summary lines printed after the progress display stops. */
export function formatSummary(input: SummaryInput): string {
  const { plan, outcomes } = input;
  const paint = input.paint ?? PLAIN;
  const pieces = plan.steps.flatMap((s): Piece[] => [...(outcomes.get(s.id)?.pieces ?? [{ kind: 'not-started', step: s }])]);
  const of = <K extends Piece['kind']>(kind: K) => pieces.filter((p): p is Extract<Piece, { kind: K }> => p.kind === kind);
  const built = of('built');
  const failed = of('failed');
  const skipped = of('skipped');
  const notStarted = of('not-started');
  const dates = built.reduce((n, p) => n + p.step.dates.length, 0);
  const incomplete = new Set([...failed, ...skipped, ...notStarted].map((p) => p.step.target));
  const complete = plan.targets.length - incomplete.size;
  const lines: string[] = [];

  const retried = built.filter((p) => p.attempts > 1);
  const retriedLines = retried.slice(0, MAX_RETRIED_LINES).map((p) => `  ${stepName(p.step)} succeeded on attempt ${p.attempts}`);
  if (retried.length > MAX_RETRIED_LINES) retriedLines.push(`  … and ${retried.length - MAX_RETRIED_LINES} more retried`);

  if (incomplete.size === 0 && !input.interrupted) {
    lines.push(
      `${paint.green('✔')} ${counted(built.length, 'step')}, ${counted(dates, 'date')} built in ${formatDuration(input.elapsedMs)}` +
        ` · ${counted(plan.targets.length, 'target')} complete · logs ${input.shownPath(input.logDir)}`,
    );
    if (retriedLines.length > 0) lines.push('', ...retriedLines);
    return lines.join('\n');
  }

  const groups = collapse(plan, outcomes);
  const head = paint.red(input.interrupted ? '✖ interrupted' : `✖ ${counted(groups.length, 'step')} failed`);
  lines.push(
    `${head}, ${counted(complete, 'target')} complete, ${incomplete.size} incomplete` +
      ` · ${counted(built.length, 'step')} (${counted(dates, 'date')}) built in ${formatDuration(input.elapsedMs)}`,
  );
  for (const { piece, step, ids } of groups) {
    const name = stepName(step);
    const attempts = piece.attempts > 1 ? ` (after ${piece.attempts} attempts)` : '';
    const alone = ids.size > 1 ? ` (bisected: each of its ${ids.size} parts failed the same way)` : '';
    lines.push('', `  ${name}   ${describeFailure(piece.failure, input.calendar)}${attempts}${alone}`);
    const indent = `  ${' '.repeat(name.length)}   `;
    lines.push(`${indent}log: ${input.shownPath(piece.log)}`);
    for (const line of input.tails.get(piece.step.id) ?? []) lines.push(`${indent}│ ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`);
    const held = skippedBecause(skipped, ids);
    if (held) lines.push(`  skipped because of it: ${held}`);
  }
  if (retriedLines.length > 0) lines.push('', ...retriedLines);
  if (notStarted.length > 0) lines.push('', `  not started: ${counted(notStarted.length, 'step')}`);
  if (input.rerun) lines.push('', `  re-run to ${input.interrupted ? 'resume' : 'retry what is left'}: ${input.rerun}`);
  return lines.join('\n');
}

type Failed = Extract<Piece, { kind: 'failed' }>;

/** Failed pieces shown as one: the first piece, the dates of all, and their ids. */
interface FailedGroup {
  readonly piece: Failed;
  step: Step;
  readonly ids: Set<string>;
}

/**
 * Failed pieces, with neighbours of one planned step that failed the same way shown as one: a
 * step whose every date fails (a SQL error, a bad column) is bisected down to single dates, and
 * ten lines saying the same thing would hide the one that differs.
 */
function collapse(plan: Plan, outcomes: ReadonlyMap<string, StepOutcome>): FailedGroup[] {
  const groups: (FailedGroup & { key: string })[] = [];
  for (const planned of plan.steps) {
    let previous: (typeof groups)[number] | undefined;
    for (const piece of outcomes.get(planned.id)?.pieces ?? []) {
      if (piece.kind !== 'failed') {
        previous = undefined;
        continue;
      }
      const key = piece.failure.reason === 'still-missing' ? `still-missing ${piece.failure.label}` : JSON.stringify(piece.failure);
      if (previous && previous.key === key) {
        previous.step = { ...previous.step, end: piece.step.end, dates: [...previous.step.dates, ...piece.step.dates] };
        previous.ids.add(piece.step.id);
        continue;
      }
      previous = { piece, step: piece.step, ids: new Set([piece.step.id]), key };
      groups.push(previous);
    }
  }
  return groups;
}

/** `pdc 3 dates, mlfs 3 dates`: what a failed piece kept from running, per target. */
function skippedBecause(skipped: readonly Extract<Piece, { kind: 'skipped' }>[], failedIds: ReadonlySet<string>): string {
  const perTarget = new Map<string, number>();
  for (const piece of skipped) {
    if (failedIds.has(piece.because)) perTarget.set(piece.step.target, (perTarget.get(piece.step.target) ?? 0) + piece.step.dates.length);
  }
  return [...perTarget].map(([target, n]) => `${target} ${counted(n, 'date')}`).join(', ');
}
