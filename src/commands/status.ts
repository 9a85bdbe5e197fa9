/**
 * `bftask status`: coverage per target, and any run in progress on this config (from the ledger
 * and its locks); exit 0 only when everything selected is complete. `--watch` redraws every few
 * seconds until no run is in progress. Reads only: no ledger writes, no locks.
 */
import type { Config } from '../config/config.js';
import { Ledger } from '../ledger/ledger.js';
import { heldTargets } from '../ledger/locks.js';
import { estimate, type Estimate } from '../plan/estimate.js';
import { formatRunning, runningJson, runningRun, type RunningRun } from '../report/running.js';
import { formatStatus, isComplete, statusJson } from '../report/status.js';
import { newRunId } from '../run/logs.js';
import { planFromWarehouse, type PlanRequest, type Planned } from '../session.js';
import { UsageError } from '../util/errors.js';
import { isRunning } from '../util/processes.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Io } from './io.js';

export interface StatusOptions {
  readonly json: boolean;
  /** Redraw every few seconds while a run is in progress. */
  readonly watch: boolean;
}

/** How often `--watch` redraws. */
const WATCH_MS = 2_000;
/** How often `--watch` reads coverage again on BigQuery, where each read bills 10 MB. */
const BIGQUERY_COVERAGE_MS = 60_000;

export async function status(config: Config, options: StatusOptions, request: PlanRequest, io: Io): Promise<number> {
  if (options.json && options.watch) throw new UsageError('--watch redraws the screen: it does not go with --json');
  // Opened first so that an unreadable ledger is a one-line error before anything else.
  Ledger.openForRead(config.dir)?.close();
  // Reads only: the run id just labels BigQuery's coverage queries.
  return withWarehouse(config, io, newRunId(), false, async (warehouse) => {
    // Coverage only: what is present, not what is stale (see `why` and the dry run for that).
    const cover = () => planFromWarehouse(config, warehouse, { ...request, force: new Set(), presenceOnly: true });
    const verdict = ({ plan }: Planned) => (plan.targets.every(isComplete) ? 0 : 1);
    let planned = await cover();
    const withChecks = planned.plan.targets.some((t) => Object.keys(config.targets.get(t.name)?.checks ?? {}).length > 0);
    const table = (p: Planned) => formatStatus(p.plan, p.calendar, warehouse.description, { withChecks, paint: io.paint });
    if (!options.watch) {
      const running = inProgress(config.dir);
      if (options.json) {
        const json = JSON.parse(statusJson(planned.plan)) as Record<string, unknown>;
        io.out(JSON.stringify(running.live.length > 0 ? { ...json, running: runningJson(running.live) } : json));
      } else io.out([table(planned), ...formatRunning(running.live, io.shownPath, io.paint), ...running.dead].join('\n'));
      return verdict(planned);
    }

    let coveredAt = Date.now();
    for (let first = true; ; first = false) {
      const running = inProgress(config.dir);
      const done = running.live.length === 0;
      if (!first && Date.now() - coveredAt >= (config.warehouse.kind === 'bigquery' ? BIGQUERY_COVERAGE_MS : 0)) {
        planned = await cover();
        coveredAt = Date.now();
      }
      const note = done ? ['', first ? '  no run in progress' : '  the run has ended'] : ['', `  refreshing every ${WATCH_MS / 1000}s until the run ends; Ctrl-C leaves`];
      const screen = [table(planned), ...formatRunning(running.live, io.shownPath, io.paint), ...running.dead, ...note].join('\n');
      // On a terminal, in place (home, clear below); elsewhere, one screen after another.
      if (io.isTTY) io.write(`\x1b[H\x1b[J${screen}\n`);
      else io.out(first ? screen : `\n${screen}`);
      if (done) return verdict(planned);
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    }
  });
}

/** Runs the ledger says are in progress: live ones, and a line for each whose process is gone. */
function inProgress(dir: string): { live: RunningRun[]; dead: string[] } {
  // Opened afresh each time: under --watch the ledger may appear, or be migrated, meanwhile.
  const ledger = Ledger.openForRead(dir);
  if (!ledger) return { live: [], dead: [] };
  try {
    const live: RunningRun[] = [];
    const dead: string[] = [];
    const locks = heldTargets(ledger);
    for (const run of ledger.runningRuns().sort((a, b) => a.started - b.started)) {
      if (isRunning(run.process) === false) {
        dead.push('', `  run ${run.id} (pid ${run.process.pid}) died without finishing; the next run records it as crashed and stops what it left running`);
        continue;
      }
      const plan = ledger.planOf(run.id);
      const history = new Map<string, Estimate>();
      for (const target of new Set(plan?.steps.map((s) => s.target))) {
        // Its own attempts are this run's samples, not history.
        const fit = estimate(ledger.timings(target, 50, run.id));
        if (fit) history.set(target, fit);
      }
      live.push(runningRun({ run, plan, attempts: ledger.attemptsOf(run.id), targets: locks.get(run.id) ?? [], history, now: Date.now() }));
    }
    return { live, dead };
  } finally {
    ledger.close();
  }
}
