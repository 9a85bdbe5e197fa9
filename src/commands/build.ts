/** `bftask [targets...]`: plan, then run the pending steps (or print them with --dry-run). */
import path from 'node:path';
import type { CliOptions } from '../cli/args.js';
import { formatCommand, type CommandLine } from '../cli/command-line.js';
import type { Config } from '../config/config.js';
import { readCoverage } from '../coverage.js';
import { linesReporter } from '../report/lines.js';
import { formatPlan, planJson } from '../report/plan.js';
import { counted } from '../report/format.js';
import { formatSummary } from '../report/summary.js';
import type { Reporter } from '../run/events.js';
import { execute } from '../run/executor.js';
import { exitCodeFor, watchInterrupts } from '../run/interrupt.js';
import { unfinished } from '../run/resume.js';
import { createRunLogDir } from '../run/logs.js';
import { runStep, stepLogFile, type StepContext } from '../run/step.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { formatRun } from '../util/dates.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Io } from './io.js';

export async function build(
  config: Config,
  warehouse: Warehouse,
  options: CliOptions,
  request: PlanRequest,
  io: Io,
  runId: string,
): Promise<number> {
  const { plan, calendar } = await planFromWarehouse(config, warehouse, request);
  const concurrency = options.concurrency ?? config.concurrency;
  const { targets, force, from, to, concurrency: jobs, config: configPath } = options;
  const command: CommandLine = { targets, force, from, to, concurrency: jobs, config: configPath };
  if (options.dryRun) {
    if (options.json) io.out(planJson(plan));
    else {
      const costs = warehouse.costReport?.() ?? [];
      io.out(formatPlan(plan, calendar, { roots: request.roots, warehouse: warehouse.description, notice: warehouse.notice, concurrency, rerun: formatCommand(command) }));
      if (costs.length > 0) io.out(['', ...costs.map((l) => `  ${l}`)].join('\n'));
    }
    return 0;
  }
  if (warehouse.notice) io.out(warehouse.notice);
  if (plan.steps.length === 0) {
    io.out(`✔ nothing to do: ${counted(plan.targets.length, 'target')} complete for ${formatRun(plan.range)}`);
    return 0;
  }

  const { logDir } = createRunLogDir(config.dir, [...new Set(plan.steps.map((s) => s.target))], runId);
  const reporter: Reporter =
    (options.reporter ?? (io.isTTY ? 'listr' : 'lines')) === 'listr'
      ? (await import('../report/listr.js')).listrReporter()
      : linesReporter(io.out, calendar, io.shownPath);
  const context: StepContext = {
    config,
    logDir,
    warehouse,
    presentAfter: async (target, step) =>
      (await readCoverage([target], { start: step.start, end: step.end }, step.dates, warehouse, config.dir)).get(target.name) ??
      new Set(),
  };
  const interrupts = watchInterrupts();
  const started = Date.now();
  reporter.start(plan, { runId: path.basename(logDir), logDir, concurrency });
  let outcomes;
  try {
    outcomes = await execute({
      plan,
      concurrency,
      targetConcurrency: (name) => config.targets.get(name)?.concurrency,
      logFile: (step) => stepLogFile(logDir, step),
      emit: (event) => reporter.event(event),
      signal: interrupts.signal,
      runStep: (step, signal) => runStep(context, step, signal),
    });
  } finally {
    await reporter.finish();
    interrupts.dispose();
  }
  const interrupted = interrupts.received();
  const left = unfinished(plan, outcomes);
  // Dates present before this run and pending only because of --force stay present when their
  // step did not finish: the hint forces them again, from the first unfinished date on.
  const rerun =
    left &&
    formatCommand(
      left.force.length === 0
        ? { ...command, force: [] }
        : { ...command, force: left.force, from: left.from > request.range.start ? left.from : command.from },
    );
  io.out(
    formatSummary({
      plan,
      calendar,
      outcomes,
      elapsedMs: Date.now() - started,
      logDir,
      interrupted: interrupted !== undefined,
      rerun,
      shownPath: io.shownPath,
    }),
  );
  if (interrupted) return exitCodeFor(interrupted);
  return [...outcomes.values()].every((o) => o.kind === 'succeeded') ? 0 : 1;
}
