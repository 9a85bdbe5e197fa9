/**
 * A run in progress as another process sees it (`bftask status`): from its record, its plan and
 * its attempts in the ledger, what runs now, how many dates are done and left, and the ETA.
 */
import type { AttemptRecord, RunRecord, StoredPlan } from '../ledger/ledger.js';
import type { Cost } from '../plan/costs.js';
import { formatRun } from '../util/dates.js';
import { PLAIN, type Paint } from './color.js';
import { counted, formatCount, formatDuration, formatTable } from './format.js';
import { RunProgress } from './progress.js';
import { clock } from './runs.js';

export interface RunningStep {
  readonly target: string;
  readonly start: string;
  readonly end: string;
  readonly dates: number;
  readonly attempt: number;
  readonly pid: number | undefined;
  /** A remote step's execution (Cloud Run), which has no pid here. */
  readonly execution: string | undefined;
  readonly started: number;
  readonly log: string | undefined;
}

export interface RunningRun {
  readonly run: RunRecord;
  /** Targets it holds locks on. */
  readonly targets: readonly string[];
  readonly steps: readonly RunningStep[];
  /** Dates of its plan; undefined when it recorded none (a bftask before plans were kept). */
  readonly dates: { readonly total: number; readonly built: number; readonly failed: number; readonly skipped: number } | undefined;
  /** Milliseconds until its last step ends, from `now`; undefined when nothing is known of its costs. */
  readonly etaMs: number | undefined;
  readonly now: number;
}

export interface RunningInput {
  readonly run: RunRecord;
  readonly plan: StoredPlan | undefined;
  readonly attempts: readonly AttemptRecord[];
  readonly targets: readonly string[];
  /** Each target's cost from runs before this one. */
  readonly history: ReadonlyMap<string, Cost>;
  readonly now: number;
}

/** Replays a run's attempts into its progress and estimate. */
export function runningRun(input: RunningInput): RunningRun {
  const { run, plan, attempts, now } = input;
  const steps: RunningStep[] = attempts
    .filter((a) => a.outcome === 'running')
    .map((a) => ({ target: a.target, start: a.start, end: a.end, dates: a.dates.length, attempt: a.attempt, pid: a.process?.pid, execution: a.execution, started: a.started, log: a.log }));
  if (!plan) return { run, targets: input.targets, steps, dates: undefined, etaMs: undefined, now };
  const progress = new RunProgress(plan.steps, { history: input.history, limits: plan.limits });
  for (const a of attempts) {
    if (a.outcome === 'skipped') {
      progress.skipped(a.stepId, a.dates.length);
      continue;
    }
    const key = String(a.id);
    progress.started(a.stepId, key, a.dates.length, a.started);
    if (a.outcome !== 'running') progress.ended(a.stepId, key, a.dates.length, (a.ended ?? now) - a.started, a.outcome === 'succeeded', a.next === undefined);
  }
  const sum = (pick: (t: (typeof progress.targets)[number]) => number) => progress.targets.reduce((n, t) => n + pick(t), 0);
  return {
    run,
    targets: input.targets,
    steps,
    dates: { total: sum((t) => t.total), built: sum((t) => t.built), failed: sum((t) => t.failed), skipped: sum((t) => t.skipped) },
    etaMs: progress.estimate(now).overallMs,
    now,
  };
}

/** The lines `bftask status` prints under its table for each run in progress. */
export function formatRunning(runs: readonly RunningRun[], shownPath: (file: string) => string, paint: Paint = PLAIN): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    const { run, now } = r;
    lines.push(
      '',
      `  ${paint.bold('running')}: run ${run.id} · pid ${run.process.pid} · started ${clock(run.started)} (${formatDuration(now - run.started)} ago) · ${['bftask', ...run.argv].join(' ')}`,
    );
    if (r.targets.length > 0) lines.push(`    building ${r.targets.join(', ')}`);
    if (r.steps.length > 0) {
      const rows = r.steps.map((s) => [
        `${s.target} ${formatRun(s)}`,
        `(${counted(s.dates, 'date')})`,
        s.attempt > 1 ? `attempt ${s.attempt}` : '',
        s.pid !== undefined ? `pid ${s.pid}` : s.execution ? `execution ${s.execution.split('/').at(-1)}` : 'starting',
        formatDuration(now - s.started),
        s.log ? shownPath(s.log) : '',
      ]);
      lines.push(`    ${counted(r.steps.length, 'step')} running now:`);
      lines.push(...formatTable(rows, ['l', 'r', 'l', 'l', 'r', 'l']).map((l) => `      ${l}`));
    } else lines.push('    no step running now');
    const parts: string[] = [];
    if (r.dates) {
      const { total, built, failed, skipped } = r.dates;
      parts.push(`${formatCount(built)}/${formatCount(total)} dates done`, `${formatCount(total - built - failed - skipped)} pending`);
      if (failed > 0) parts.push(paint.red(`${formatCount(failed)} failed`));
      if (skipped > 0) parts.push(`${formatCount(skipped)} skipped`);
    }
    // The clock time it should end at; with the day once that is not obviously today.
    if (r.etaMs !== undefined) parts.push(`ETA ${formatDuration(r.etaMs)} (about ${clock(now + r.etaMs).slice(r.etaMs > 12 * 3_600_000 ? 0 : 11, 16)})`);
    else if (r.dates) parts.push('no ETA yet: no step of these targets has finished before');
    if (parts.length > 0) lines.push(`    ${parts.join(' · ')}`);
  }
  return lines;
}

/** `{"runs":[...]}`: each run in progress, for `status --json`'s `running`. */
export function runningJson(runs: readonly RunningRun[]): unknown {
  return {
    runs: runs.map((r) => ({
      id: r.run.id,
      pid: r.run.process.pid,
      host: r.run.process.host,
      started: new Date(r.run.started).toISOString(),
      argv: r.run.argv,
      targets: r.targets,
      steps: r.steps.map((s) => ({
        target: s.target,
        start: s.start,
        end: s.end,
        dates: s.dates,
        attempt: s.attempt,
        pid: s.pid ?? null,
        execution: s.execution ?? null,
        started: new Date(s.started).toISOString(),
        elapsedMs: r.now - s.started,
        log: s.log ?? null,
      })),
      dates: r.dates ? { ...r.dates, pending: r.dates.total - r.dates.built - r.dates.failed - r.dates.skipped } : null,
      etaMs: r.etaMs === undefined ? null : Math.round(r.etaMs),
      endsAt: r.etaMs === undefined ? null : new Date(r.now + r.etaMs).toISOString(),
    })),
  };
}
