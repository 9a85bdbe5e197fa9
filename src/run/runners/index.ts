/** The runners a config declares, ready to run steps, and which one a target uses. */
import type { Config, Target } from '../../config/config.js';
import { localRunner } from './local.js';
import type { Runner } from './runner.js';

export type { Runner } from './runner.js';

/** One runner per entry of `runners`; the Cloud Run client loads only when one is declared. */
export async function createRunners(config: Config): Promise<Map<string, Runner>> {
  const runners = new Map<string, Runner>();
  if (config.runners.size === 0) return runners;
  const { cloudRunRunner } = await import('./cloud-run.js');
  for (const [name, runner] of config.runners) runners.set(name, cloudRunRunner(runner));
  return runners;
}

/** The runner a target's steps run on: its `runner`, or this machine. */
export function runnerFor(runners: ReadonlyMap<string, Runner>, target: Target): Runner {
  const runner = target.runner === undefined ? undefined : runners.get(target.runner);
  if (target.runner !== undefined && !runner) throw new Error(`Internal error: no runner ${target.runner}`);
  return runner ?? localRunner;
}

/** Checks every runner the given targets use, before anything runs. */
export async function preflight(runners: ReadonlyMap<string, Runner>, targets: Iterable<Target>): Promise<void> {
  const used = new Set<Runner>();
  for (const t of targets) if (t.runner !== undefined) used.add(runnerFor(runners, t));
  for (const runner of used) await runner.preflight?.();
}
