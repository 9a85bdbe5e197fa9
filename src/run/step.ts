/** The edge where a planned step meets the world: its process, its log, its output check. */
import path from 'node:path';
import type { Config, Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import type { Step } from '../plan/plan.js';
import type { Failure } from './events.js';
import { spawnStep } from './spawn.js';

export interface StepContext {
  readonly config: Config;
  /** Variables from the warehouse (BFTASK_WAREHOUSE). */
  readonly warehouseEnv: Readonly<Record<string, string>>;
  /** Absolute log folder of this run. */
  readonly logDir: string;
  /** Re-reads which of `dates` are present in the target's output. */
  readonly presentAfter: (target: Target, step: Step) => Promise<ReadonlySet<IsoDate>>;
}

/** `<logDir>/<target>/<start>_<end>.log`. */
export function stepLogFile(logDir: string, step: Step): string {
  return path.join(logDir, step.target, `${step.start}_${step.end}.log`);
}

/** The variables a step's command sees besides the inherited environment. */
export function stepEnv(target: Target, step: Step, warehouseEnv: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...warehouseEnv,
    BFTASK_TARGET: target.name,
    BFTASK_TABLE: target.label,
    BFTASK_START: step.start,
    BFTASK_END: step.end,
    BFTASK_DATES: step.dates.join(','),
  };
}

/** Runs the step's command, then checks its dates landed; returns the failure, if any. */
export async function runStep(context: StepContext, step: Step, signal: AbortSignal): Promise<Failure | undefined> {
  const target = context.config.targets.get(step.target);
  if (!target) throw new Error(`Internal error: unknown target ${step.target}`);
  const outcome = await spawnStep({
    argv: step.argv,
    cwd: context.config.dir,
    env: stepEnv(target, step, context.warehouseEnv),
    logFile: stepLogFile(context.logDir, step),
    signal,
  });
  if (signal.aborted) return { reason: 'interrupted' };
  switch (outcome.kind) {
    case 'spawn-failed':
      return { reason: 'spawn-failed', message: outcome.message };
    case 'signal':
      return { reason: 'signal', signal: outcome.signal };
    case 'exited': {
      if (outcome.code !== 0) return { reason: 'exit-non-zero', code: outcome.code };
      const present = await context.presentAfter(target, step);
      const missing = step.dates.filter((d) => !present.has(d));
      return missing.length > 0 ? { reason: 'still-missing', missing, label: target.label } : undefined;
    }
  }
}
