/**
 * Before a run writes, steps a dead run left behind are found and stopped: attempts still marked
 * running whose run's process is gone (or is a later process with the same pid). Their process
 * groups get SIGTERM, a grace period, then SIGKILL; the attempts are recorded as orphaned and the
 * runs as crashed. Nothing of a dead run may keep writing beside the new one.
 */
import type { Ledger } from '../ledger/ledger.js';
import { groupAlive, isRunning, signalGroup, type ProcessRef } from '../util/processes.js';

/** What was cleaned up, per dead run and target, for one line each. */
export interface Orphaned {
  readonly runId: string;
  readonly runPid: number;
  readonly target: string;
  /** Attempts recorded as orphaned. */
  readonly attempts: number;
  /** Of those, the ones whose processes were still alive and were killed. */
  readonly killed: number;
}

const GRACE_MS = 5_000;
const POLL_MS = 50;

/**
 * `cancelRemote` stops remote executions of the dead runs (Cloud Run): those their attempts
 * recorded and those that carry their run id; it returns the names it cancelled.
 */
export async function stopOrphans(
  ledger: Ledger,
  cancelRemote?: (runs: readonly string[], executions: readonly string[]) => Promise<string[]>,
  graceMs = GRACE_MS,
): Promise<Orphaned[]> {
  const dead = new Map(ledger.runningRuns().filter((r) => isRunning(r.process) === false).map((r) => [r.id, r]));
  if (dead.size === 0) return [];
  const orphans = ledger.runningAttempts().filter(({ run }) => dead.has(run.id));
  const recorded = orphans.flatMap(({ attempt }) => (attempt.execution ? [attempt.execution] : []));
  const cancelled = new Set((await cancelRemote?.([...dead.keys()], recorded)) ?? []);
  // Executions cancelled that no attempt recorded (the crash came between jobs.run and the
  // record): each stands for one attempt of its run that recorded neither pid nor execution.
  let unrecorded = [...cancelled].filter((name) => !recorded.includes(name)).length;
  const remoteKilled = new Set<number>();
  for (const { attempt } of orphans) {
    if (attempt.execution ? cancelled.has(attempt.execution) : !attempt.process && unrecorded > 0 && unrecorded--) remoteKilled.add(attempt.id);
  }
  const alive = orphans.filter(({ attempt }) => attempt.process && groupAlive(attempt.process));
  const groups = alive.map(({ attempt }) => attempt.process as ProcessRef);
  for (const group of groups) signalGroup(group.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groups.some(groupAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  for (const group of groups) if (groupAlive(group)) signalGroup(group.pid, 'SIGKILL');

  const lastHeard = new Map(
    [...dead.values()].map((run) => [run.id, Math.max(run.started, ...ledger.attemptsOf(run.id).flatMap((a) => [a.started, a.ended ?? 0]))]),
  );
  const ended = Date.now();
  const report = new Map<string, { runId: string; runPid: number; target: string; attempts: number; killed: number }>();
  ledger.transaction(() => {
    for (const { attempt, run } of orphans) {
      const killed = alive.some((a) => a.attempt.id === attempt.id) || remoteKilled.has(attempt.id);
      ledger.endAttempt(attempt.id, {
        outcome: 'orphaned',
        ended,
        message: remoteKilled.has(attempt.id)
          ? `run ${run.id} died; its execution${attempt.execution ? ` ${attempt.execution}` : ''} was cancelled`
          : killed
            ? `run ${run.id} died; its process group was still running and was killed`
            : `run ${run.id} died`,
      });
      const key = `${run.id} ${attempt.target}`;
      const entry = report.get(key) ?? { runId: run.id, runPid: run.process.pid, target: attempt.target, attempts: 0, killed: 0 };
      entry.attempts++;
      if (killed) entry.killed++;
      report.set(key, entry);
    }
    // A dead run ended at the last moment the ledger heard from it, not when it was found dead:
    // \`bftask runs\` must not credit a run killed after 4 s with the hours until the next run.
    for (const run of dead.values()) ledger.endRun(run.id, 'crashed', undefined, lastHeard.get(run.id) ?? run.started);
  });
  return [...report.values()];
}
