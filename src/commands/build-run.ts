/** A build's run proper: steps under a progress display, recorded in the ledger, then the summary. */
import type { CliOptions } from '../cli/args.js';
import { formatCommand, type CommandLine } from '../cli/command-line.js';
import type { Config } from '../config/config.js';
import { readCoverage } from '../coverage.js';
import type { Ledger } from '../ledger/ledger.js';
import { criticalPath, stepWeight } from '../plan/critical.js';
import { estimate, type Estimate } from '../plan/estimate.js';
import { limitsOf } from '../plan/limits.js';
import { stepFor } from '../plan/plan.js';
import { linesReporter } from '../report/lines.js';
import { formatSummary } from '../report/summary.js';
import { isComplete, type Reporter, type StepOutcome } from '../run/events.js';
import { execute } from '../run/executor.js';
import { exitCodeFor, watchInterrupts } from '../run/interrupt.js';
import { logTail, type RunFolder } from '../run/logs.js';
import { recorder } from '../run/record.js';
import { runnerFor, type Runner } from '../run/runners/index.js';
import { unfinished } from '../run/resume.js';
import { stepLogFile, type StepContext } from '../run/step.js';
import type { PlanRequest, Planned } from '../session.js';
import { thisProcess } from '../util/processes.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Io } from './io.js';

/** Narrower than this, the task list wraps every row into a column of characters. */
const MIN_LISTR_COLUMNS = 40;
/** Lines of a failed step's log shown under it in the summary. */
const TAIL_LINES = 5;
/** Retry delays double from the target's retryDelay, up to this. */
const MAX_RETRY_DELAY_MS = 10 * 60_000;

export interface RunInput {
  readonly config: Config;
  readonly options: CliOptions;
  readonly request: PlanRequest;
  readonly io: Io;
  readonly warehouse: Warehouse;
  readonly folder: RunFolder;
  readonly planned: Planned;
  readonly command: CommandLine;
  readonly concurrency: number;
  readonly ledger: Ledger;
  /** The command line as typed, for the ledger. */
  readonly argv: readonly string[];
  /** The runners the config declares, by name. */
  readonly runners: ReadonlyMap<string, Runner>;
}

/** Runs the plan's steps, prints the summary and returns the exit code. */
export async function runPlan(input: RunInput): Promise<number> {
  const { config, io, warehouse, folder, concurrency, ledger } = input;
  const { plan, calendar } = input.planned;
  const { logDir, runId } = folder;
  folder.open(new Set(plan.steps.map((s) => s.target)));
  warehouse.prepareToWrite?.();
  const wide = (io.columns ?? 80) >= MIN_LISTR_COLUMNS;
  const { quiet, verbose } = input.options;
  const reporter: Reporter =
    !quiet && !verbose && (input.options.reporter ?? (io.isTTY ? 'listr' : 'lines')) === 'listr' && wide
      ? (await import('../report/listr.js')).listrReporter()
      : linesReporter(io.out, calendar, io.shownPath, { paint: io.paint, quiet, verbose });
  const context: StepContext = {
    config,
    runId,
    warehouse,
    runnerFor: (target) => runnerFor(input.runners, target),
    presentAfter: async (target, step) => {
      const after = await readCoverage([target], { start: step.start, end: step.end }, step.dates, warehouse, config.dir);
      return { present: after.present.get(target.name) ?? new Set(), thin: after.thin.get(target.name) ?? new Map() };
    },
  };
  const record = recorder(ledger, runId, config, context);
  const fits = new Map(plan.targets.map((t) => [t.name, estimate(ledger.timings(t.name))]));
  const priorities = criticalPath(plan, stepWeight(fits));
  const limits = limitsOf(config, concurrency);
  const interrupts = watchInterrupts();
  const started = Date.now();
  ledger.startRun({ id: runId, argv: input.argv, cwd: process.cwd(), process: thisProcess(), started });
  // What `bftask status` needs to follow this run, and replay the rest of it, from another terminal.
  ledger.recordPlan(runId, {
    limits,
    steps: plan.steps.map((s) => ({ id: s.id, target: s.target, start: s.start, end: s.end, dates: s.dates.length, needs: s.needs, priority: priorities.get(s.id) ?? 0 })),
  });
  // The same fits order the steps and give the ETA its history.
  const history = new Map([...fits].filter((entry): entry is [string, Estimate] => entry[1] !== undefined));
  reporter.start(plan, { runId, logDir, concurrency, limits, priorities, history });
  let outcomes: Map<string, StepOutcome>;
  try {
    outcomes = await execute({
      plan,
      concurrency,
      targetConcurrency: (name) => limits.targets?.get(name)?.concurrency,
      poolOf: (name) => limits.targets?.get(name)?.pool,
      poolSize: (pool) => limits.pools?.get(pool),
      runnerOf: (name) => {
        const runner = limits.targets?.get(name)?.runner;
        return runner === undefined ? undefined : { name: runner, slots: limits.runners?.get(runner) ?? concurrency };
      },
      priority: (step) => priorities.get(step.id) ?? 0,
      policy: (name) => {
        const target = config.targets.get(name);
        const first = target?.retryDelayMs ?? 0;
        return {
          retries: target?.retries ?? 0,
          retryDelayMs: (failed) => Math.min(MAX_RETRY_DELAY_MS, first * 2 ** (failed - 1)),
          // A SQL step on BigQuery is one job per date: its failure already names the dates
          // that fail, and bisecting would only write (and bill) the others again.
          bisect: (target?.bisect ?? false) && !(target?.action.kind === 'sql' && config.warehouse.kind === 'bigquery'),
        };
      },
      lookback: (name, upstream) => config.targets.get(name)?.deps.find((d) => d.target === upstream)?.lookback ?? 0,
      narrow: (step, dates) => {
        const target = config.targets.get(step.target);
        if (!target) throw new Error(`Internal error: unknown target ${step.target}`);
        return stepFor(target, dates, []);
      },
      logFile: (step, attempt) => stepLogFile(logDir, step, attempt),
      emit: (event) => {
        reporter.event(event);
        record.event(event);
      },
      signal: interrupts.signal,
      failFast: input.options.failFast,
      runAttempt: (step, attempt, signal) => record.runAttempt(step, attempt, signal),
    });
  } finally {
    await reporter.finish();
    interrupts.dispose();
  }
  const interrupted = interrupts.received();
  const tails = new Map<string, string[]>();
  for (const outcome of outcomes.values()) {
    for (const piece of outcome.pieces) if (piece.kind === 'failed') tails.set(piece.step.id, logTail(piece.log, TAIL_LINES));
  }
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
      paint: io.paint,
    }),
  );
  const code = interrupted ? exitCodeFor(interrupted) : [...outcomes.values()].every(isComplete) ? 0 : 1;
  ledger.endRun(runId, interrupted ? 'interrupted' : code === 0 ? 'succeeded' : 'failed', code);
  return code;
}

/**
 * The command that builds what this run left undone. Dates present before the run and pending
 * only because of --force stay present when their step did not finish, so they are forced
 * again, from the first unfinished date to the last.
 */
function rerunCommand(input: RunInput, outcomes: ReadonlyMap<string, StepOutcome>): string | undefined {
  const left = unfinished(input.planned.plan, outcomes);
  if (!left) return undefined;
  const { command, request } = input;
  if (left.force.length === 0) return formatCommand({ ...command, force: [] });
  // Forced dates outside [from, to] were rebuilt: forcing them again would redo finished work.
  return formatCommand({
    ...command,
    force: left.force,
    from: left.from > request.range.start ? left.from : command.from,
    to: left.to < request.range.end ? left.to : command.to,
  });
}
