/** The edge where a planned step meets the world: its process or SQL, its log, its output check. */
import path from 'node:path';
import type { Config, Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import type { Shortfall } from '../outputs/checks.js';
import type { Step } from '../plan/plan.js';
import { messageOf } from '../util/errors.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Failure } from './events.js';
import type { Runner, StepRun } from './runners/runner.js';

export interface StepContext {
  readonly config: Config;
  /** The run's id, given to steps as BFTASK_RUN. */
  readonly runId: string;
  readonly warehouse: Warehouse;
  /** Where a command target's steps run. */
  readonly runnerFor: (target: Target) => Runner;
  /** Re-reads the step's dates from the target's output: which are present, and which of those fail a data check. */
  readonly presentAfter: (target: Target, step: Step) => Promise<StepCoverage>;
}

/** The step's dates as the output holds them after it ran. */
export interface StepCoverage {
  readonly present: ReadonlySet<IsoDate>;
  readonly thin: ReadonlyMap<IsoDate, Shortfall>;
}

/** How one attempt runs: where it logs, what stops it, who hears of its process. */
export interface AttemptOptions {
  readonly log: string;
  /** Aborted when bftask is interrupted. */
  readonly signal: AbortSignal;
  /** The target's timeout: past it the step's process group is killed. */
  readonly timeoutMs?: number | undefined;
  /** Where the step runs, as soon as known: its process group's leader, or its remote execution. */
  readonly onStart?: StepRun['onStart'];
}

/** `<logDir>/<target>/<start>_<end>.log`, and `.attempt2.log` and so on for retries. */
export function stepLogFile(logDir: string, step: Step, attempt = 1): string {
  return path.join(logDir, step.target, `${step.start}_${step.end}${attempt > 1 ? `.attempt${attempt}` : ''}.log`);
}

/** The variables a step's command sees besides the inherited environment. */
export function stepEnv(
  target: Target,
  step: Step,
  warehouseEnv: Readonly<Record<string, string>>,
  runId: string,
  configDir: string,
): Record<string, string> {
  return {
    ...warehouseEnv,
    // Which run started it: also how a remote execution left behind by a crash is recognised.
    BFTASK_RUN: runId,
    BFTASK_TARGET: target.name,
    BFTASK_TABLE: target.label,
    BFTASK_START: step.start,
    BFTASK_END: step.end,
    BFTASK_DATES: step.dates.join(','),
    // Where a files target writes: its pattern (a local one made absolute, as steps may cd).
    ...(target.output.kind === 'objects' ? { BFTASK_OUTPUT: target.output.pattern } : {}),
    ...(target.output.kind === 'files' ? { BFTASK_OUTPUT: path.resolve(configDir, target.output.pattern) } : {}),
  };
}

/** Runs one attempt of the step, then checks its dates landed; returns the failure, if any. */
export async function runStep(context: StepContext, step: Step, options: AttemptOptions): Promise<Failure | undefined> {
  const target = context.config.targets.get(step.target);
  if (!target) throw new Error(`Internal error: unknown target ${step.target}`);
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signal = timeout ? AbortSignal.any([options.signal, timeout]) : options.signal;
  const failure = await perform(context, target, step, { ...options, signal });
  if (options.signal.aborted) return { reason: 'interrupted' };
  if (timeout?.aborted) return { reason: 'timed-out', ms: options.timeoutMs as number };
  if (failure) return failure;
  let after: StepCoverage;
  try {
    after = await context.presentAfter(target, step);
  } catch (error) {
    return { reason: 'check-failed', message: messageOf(error) };
  }
  const afterSql = step.action.kind === 'sql';
  const missing = step.dates.filter((d) => !after.present.has(d));
  if (missing.length > 0) return { reason: 'still-missing', missing, label: target.label, afterSql };
  const thin = step.dates.flatMap((date) => {
    const shortfall = after.thin.get(date);
    return shortfall ? [{ date, shortfall }] : [];
  });
  return thin.length > 0 ? { reason: 'still-thin', target: target.name, thin, afterSql } : undefined;
}

async function perform(context: StepContext, target: Target, step: Step, options: AttemptOptions): Promise<Failure | undefined> {
  const { action } = step;
  const { signal, log: logFile } = options;
  if (action.kind === 'sql') {
    if (target.output.kind !== 'table') throw new Error(`Internal error: SQL target ${target.name} writes files`);
    const outcome = await context.warehouse.writeSql({
      ref: target.output,
      sql: action.sql,
      start: step.start,
      end: step.end,
      dates: step.dates,
      target: target.name,
      logFile,
      signal,
      onSpawn: (pid) => options.onStart?.({ pid }),
    });
    if (signal.aborted || outcome?.interrupted) return { reason: 'interrupted' };
    return outcome && { reason: 'sql-failed', message: outcome.message };
  }
  const outcome = await context.runnerFor(target).run({
    argv: action.argv,
    cwd: context.config.dir,
    env: stepEnv(target, step, context.warehouse.stepEnv(), context.runId, context.config.dir),
    logFile,
    signal,
    timeoutMs: options.timeoutMs,
    onStart: options.onStart,
  });
  if (signal.aborted) return { reason: 'interrupted' };
  switch (outcome.kind) {
    case 'remote-failed':
      return { reason: 'remote-failed', message: outcome.message };
    case 'spawn-failed':
      return { reason: 'spawn-failed', message: outcome.message };
    case 'signal':
      return { reason: 'signal', signal: outcome.signal };
    case 'exited':
      return outcome.code === 0 ? undefined : { reason: 'exit-non-zero', code: outcome.code };
  }
}
