/** `bftask [targets...]`: plan, then run the pending steps (or print them with --dry-run). */
import type { CliOptions } from '../cli/args.js';
import { formatCommand, type CommandLine } from '../cli/command-line.js';
import type { Config } from '../config/config.js';
import { withDependencies } from '../config/graph.js';
import { readCoverage } from '../coverage.js';
import { counted } from '../report/format.js';
import { linesReporter } from '../report/lines.js';
import { formatPlan, planJson } from '../report/plan.js';
import { formatSummary } from '../report/summary.js';
import type { Reporter, StepOutcome } from '../run/events.js';
import { execute } from '../run/executor.js';
import { exitCodeFor, watchInterrupts } from '../run/interrupt.js';
import { logTail, newRunId, reserveRun, type RunFolder } from '../run/logs.js';
import { missingPrograms } from '../run/programs.js';
import { unfinished } from '../run/resume.js';
import { runStep, stepLogFile, type StepContext } from '../run/step.js';
import { planFromWarehouse, type PlanRequest, type Planned } from '../session.js';
import { formatRun } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Io } from './io.js';

/** Narrower than this, the task list wraps every row into a column of characters. */
const MIN_LISTR_COLUMNS = 40;
/** Lines of a failed step's log shown under it in the summary. */
const TAIL_LINES = 5;

export async function build(config: Config, options: CliOptions, request: PlanRequest, io: Io): Promise<number> {
  const selection = withDependencies(request.roots.length > 0 ? request.roots : config.order, (n) =>
    config.targets.get(n)?.deps.map((d) => d.target) ?? [],
  );
  const missing = missingPrograms(config, selection);
  if (missing.length > 0) throw new UsageError(missing.map((m) => `${io.shownPath(config.file)}: ${m}`).join('\n'));
  const { targets, force, from, to, concurrency: jobs, config: configPath } = options;
  const command: CommandLine = { targets, force, from, to, concurrency: jobs, config: configPath };
  const concurrency = options.concurrency ?? config.concurrency;

  if (options.dryRun) {
    // Writes nothing: no run folder, and the id only labels BigQuery's coverage queries.
    return withWarehouse(config, io, newRunId(), false, async (warehouse) => {
      const { plan, calendar } = await planFromWarehouse(config, warehouse, request);
      if (options.json) io.out(planJson(plan));
      else {
        const header = { roots: request.roots, warehouse: warehouse.description, notice: warehouse.notice, concurrency, rerun: formatCommand(command) };
        io.out(formatPlan(plan, calendar, header));
        const costs = warehouse.costReport?.() ?? [];
        if (costs.length > 0) io.out(['', ...costs.map((l) => `  ${l}`)].join('\n'));
      }
      return 0;
    });
  }

  const folder = reserveRun(config.dir);
  try {
    return await withWarehouse(config, io, folder.runId, true, async (warehouse) => {
      if (warehouse.notice) io.out(warehouse.notice);
      const planned = await planFromWarehouse(config, warehouse, request);
      if (planned.plan.steps.length === 0) {
        io.out(`✔ nothing to do: ${counted(planned.plan.targets.length, 'target')} complete for ${formatRun(planned.plan.range)}`);
        return 0;
      }
      return await runPlan({ config, options, request, io, warehouse, folder, planned, command, concurrency });
    });
  } finally {
    folder.discardIfUnused();
  }
}

interface RunInput {
  readonly config: Config;
  readonly options: CliOptions;
  readonly request: PlanRequest;
  readonly io: Io;
  readonly warehouse: Warehouse;
  readonly folder: RunFolder;
  readonly planned: Planned;
  readonly command: CommandLine;
  readonly concurrency: number;
}

/** Runs the plan's steps under a progress display, then prints the summary; returns the exit code. */
async function runPlan(input: RunInput): Promise<number> {
  const { config, io, warehouse, folder, concurrency } = input;
  const { plan, calendar } = input.planned;
  const { logDir } = folder;
  folder.open(new Set(plan.steps.map((s) => s.target)));
  const wide = (io.columns ?? 80) >= MIN_LISTR_COLUMNS;
  const reporter: Reporter =
    (input.options.reporter ?? (io.isTTY ? 'listr' : 'lines')) === 'listr' && wide
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
  reporter.start(plan, { runId: folder.runId, logDir, concurrency });
  let outcomes: Map<string, StepOutcome>;
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
  const tails = new Map<string, string[]>();
  for (const [id, outcome] of outcomes) if (outcome.kind === 'failed') tails.set(id, logTail(outcome.log, TAIL_LINES));
  io.out(
    formatSummary({
      plan,
      calendar,
      outcomes,
      tails,
      elapsedMs: Date.now() - started,
      logDir,
      interrupted: interrupted !== undefined,
      rerun: rerunCommand(input, outcomes),
      shownPath: io.shownPath,
    }),
  );
  if (interrupted) return exitCodeFor(interrupted);
  return [...outcomes.values()].every((o) => o.kind === 'succeeded') ? 0 : 1;
}

/**
 * The command that builds what this run left undone. Dates present before the run and pending
 * only because of --force stay present when their step did not finish, so they are forced
 * again, from the first unfinished date on.
 */
function rerunCommand(input: RunInput, outcomes: ReadonlyMap<string, StepOutcome>): string | undefined {
  const left = unfinished(input.planned.plan, outcomes);
  if (!left) return undefined;
  const { command, request } = input;
  if (left.force.length === 0) return formatCommand({ ...command, force: [] });
  return formatCommand({ ...command, force: left.force, from: left.from > request.range.start ? left.from : command.from });
}
