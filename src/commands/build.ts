/**
 * `bftask [targets...]`: plan, then run the pending steps (or print them with --dry-run). A run
 * that writes first stops what a dead run left running, then holds the locks of the targets it
 * will write for its lifetime, and records itself in the ledger.
 */
import type { CliOptions } from '../cli/args.js';
import { formatCommand, type CommandLine } from '../cli/command-line.js';
import type { Config, Target } from '../config/config.js';
import type { Plan } from '../plan/plan.js';
import { createRunners, preflight, runnerFor } from '../run/runners/index.js';
import { withDependencies } from '../config/graph.js';
import { Ledger } from '../ledger/ledger.js';
import { ledgerLocks, type Holder, type LockOwner } from '../ledger/locks.js';
import { counted, formatDuration } from '../report/format.js';
import { formatEstimates, sqlWork } from '../report/cost.js';
import { formatPlan, planJson } from '../report/plan.js';
import { newRunId, reserveRun } from '../run/logs.js';
import { stopOrphans } from '../run/orphans.js';
import { missingPrograms } from '../run/programs.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { formatRun } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { thisProcess } from '../util/processes.js';
import { withWarehouse } from '../warehouse/open.js';
import { runPlan } from './build-run.js';
import type { Io } from './io.js';

/** How often `--wait` looks at the locks again. */
const WAIT_POLL_MS = 2_000;

export async function build(config: Config, options: CliOptions, request: PlanRequest, io: Io, argv: readonly string[]): Promise<number> {
  const selection = withDependencies(request.roots.length > 0 ? request.roots : config.order, (n) =>
    config.targets.get(n)?.deps.map((d) => d.target) ?? [],
  );
  const missing = missingPrograms(config, selection);
  if (missing.length > 0) throw new UsageError(missing.map((m) => `${io.shownPath(config.file)}: ${m}`).join('\n'));
  const { targets, force, from, to, concurrency: jobs, config: configPath, noStale } = options;
  const command: CommandLine = { targets, force, from, to, concurrency: jobs, config: configPath, noStale };
  const concurrency = options.concurrency ?? config.concurrency;

  const runners = await createRunners(config);

  if (options.dryRun) {
    // Writes nothing: the ledger is only read, no run folder; the id only labels BigQuery's
    // coverage queries.
    const history = Ledger.openForRead(config.dir);
    try {
      return await withWarehouse(config, io, newRunId(), false, async (warehouse) => {
        const { plan, calendar, shards } = await planFromWarehouse(config, warehouse, request, history);
        await preflight(runners, pendingTargets(config, plan));
        const estimates = (await warehouse.estimateSql?.(sqlWork(plan))) ?? [];
        if (options.json) io.out(planJson(plan, shards, estimates));
        else {
          const placement = new Map(
            pendingTargets(config, plan)
              .filter((t) => t.runner !== undefined)
              .map((t) => [t.name, `on ${t.runner} (${runnerFor(runners, t).describe()})`]),
          );
          const header = { roots: request.roots, warehouse: warehouse.description, notice: warehouse.notice, concurrency, rerun: formatCommand(command), shards, placement };
          io.out(formatPlan(plan, calendar, header, formatEstimates(estimates, warehouse.bytesCap)));
          const costs = warehouse.costReport?.() ?? [];
          if (costs.length > 0) io.out(['', ...costs.map((l) => `  ${l}`)].join('\n'));
        }
        return 0;
      });
    } finally {
      history?.close();
    }
  }

  // An existing ledger is opened (and checked) first; a new one is only created once there is
  // something to run, so a bad input later on leaves nothing behind.
  let ledger = Ledger.openIfExists(config.dir);
  try {
    const folder = reserveRun(config.dir);
    const owner: LockOwner = { runId: folder.runId, process: thisProcess() };
    try {
      return await withWarehouse(config, io, folder.runId, true, async (warehouse) => {
        if (warehouse.notice && !options.quiet) io.out(warehouse.notice);
        const cancel = async (runs: readonly string[], executions: readonly string[]) =>
          (await Promise.all([...runners.values()].map((r) => r.cancelOrphans?.(runs, executions) ?? []))).flat();
        for (const o of ledger ? await stopOrphans(ledger, cancel) : []) {
          const killed = o.killed > 0 ? `killed ${counted(o.killed, 'step')} it left running` : 'nothing of it was still running';
          io.err(`bftask: ${o.target}: run ${o.runId} (pid ${o.runPid}) died during ${counted(o.attempts, 'step')}: ${killed}; recorded as orphaned`);
        }
        let waiting = false;
        for (;;) {
          const planned = Date.now();
          const plan = await planFromWarehouse(config, warehouse, request, ledger);
          if (plan.plan.steps.length === 0) {
            io.out(`✔ nothing to do: ${counted(plan.plan.targets.length, 'target')} complete for ${formatRun(plan.plan.range)}`);
            return 0;
          }
          await preflight(runners, pendingTargets(config, plan.plan));
          ledger ??= Ledger.openForWrite(config.dir);
          const locks = ledgerLocks(ledger);
          const writes = [...new Set(plan.plan.steps.map((s) => s.target))];
          const lock = locks.acquire(writes, owner);
          if (!lock.ok) {
            if (!options.wait) {
              io.err(`bftask: ${heldMessage(lock.heldBy)}; wait for it, or pass --wait`);
              return 1;
            }
            if (!waiting) io.err(`bftask: ${heldMessage(lock.heldBy)}; waiting for it (--wait)`);
            waiting = true;
            await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
            continue;
          }
          for (const stale of lock.takenOver) {
            io.err(`bftask: took over the lock on ${stale.targets.join(', ')} from run ${stale.runId} (pid ${stale.process.pid} on ${stale.process.host}), which is no longer running`);
          }
          // Another run let go of one of these targets after this plan read the warehouse: it
          // may have built what this plan would build again.
          if (lock.releasedAt !== undefined && lock.releasedAt >= planned) {
            locks.release(owner.runId);
            continue;
          }
          try {
            return await runPlan({ config, options, request, io, warehouse, folder, planned: plan, command, concurrency, ledger, argv, runners });
          } finally {
            locks.release(owner.runId);
          }
        }
      });
    } finally {
      folder.discardIfUnused();
    }
  } finally {
    ledger?.close();
  }
}

/** The targets a plan has steps for. */
function pendingTargets(config: Config, plan: Plan): Target[] {
  return [...new Set(plan.steps.map((s) => s.target))].map((n) => config.targets.get(n)).filter((t): t is Target => t !== undefined);
}

/** `targets pcf, pdc are being built by run 20261125-231847 (pid 8824 on host x, started 10:02, 2h13m ago)`. */
function heldMessage(holders: readonly Holder[]): string {
  return holders
    .map((h) => {
      const since = new Date(h.acquired);
      const clock = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
      const what = h.targets.length === 1 ? `target ${h.targets[0]} is` : `targets ${h.targets.join(', ')} are`;
      return `${what} being built by run ${h.runId} (pid ${h.process.pid} on host ${h.process.host}, started ${clock}, ${formatDuration(Date.now() - h.acquired)} ago)`;
    })
    .join('; ');
}
