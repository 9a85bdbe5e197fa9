/**
 * Target locks: two bftask processes never run steps of the same target at once. The store is
 * the ledger's own SQLite file, so taking several targets' locks is one BEGIN IMMEDIATE
 * transaction: atomic across processes on this machine. Several machines would need a shared
 * store instead (for example an object created with ifGenerationMatch=0 on Cloud Storage, as
 * Terraform's GCS backend locks its state) behind this same interface.
 */
import type { ProcessRef } from '../util/processes.js';
import { isRunning } from '../util/processes.js';
import type { Ledger } from './ledger.js';

/** Who holds (or wants) locks: a run and its process. */
export interface LockOwner {
  readonly runId: string;
  readonly process: ProcessRef;
}

export interface Holder extends LockOwner {
  readonly targets: readonly string[];
  /** When it took the first of them, ms since the epoch. */
  readonly acquired: number;
}

export type LockResult =
  | {
      readonly ok: true;
      /** Locks whose holder was dead, taken over. */
      readonly takenOver: readonly Holder[];
      /** The latest time another run released one of these targets: a plan made before it is stale. */
      readonly releasedAt: number | undefined;
    }
  | { readonly ok: false; readonly heldBy: readonly Holder[] };

export interface LockStore {
  /** Takes every lock in `targets` for `owner`, or none of them. */
  acquire(targets: readonly string[], owner: LockOwner, now?: number): LockResult;
  /** Lets go of every lock `runId` holds. */
  release(runId: string, now?: number): void;
}

interface LockRow {
  target: string;
  run_id: string | null;
  host: string | null;
  pid: number | null;
  pid_started: string | null;
  acquired: number | null;
  released: number | null;
}

/** The lock store in a config's ledger. */
export function ledgerLocks(ledger: Ledger): LockStore {
  const db = ledger.database;
  const select = db.prepare<[string], LockRow>('SELECT * FROM locks WHERE target = ?');
  const take = db.prepare(
    `INSERT INTO locks (target, run_id, host, pid, pid_started, acquired) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (target) DO UPDATE SET run_id = excluded.run_id, host = excluded.host, pid = excluded.pid,
       pid_started = excluded.pid_started, acquired = excluded.acquired`,
  );
  return {
    acquire(targets, owner, now = Date.now()) {
      return ledger.transaction((): LockResult => {
        const held = new Map<string, Holder & { targets: string[] }>();
        const stale = new Map<string, Holder & { targets: string[] }>();
        let releasedAt: number | undefined;
        for (const target of targets) {
          const row = select.get(target);
          if (row?.released != null) releasedAt = Math.max(releasedAt ?? 0, row.released);
          if (!row?.run_id || row.run_id === owner.runId) continue;
          const holder = { runId: row.run_id, process: { host: row.host ?? '', pid: row.pid ?? 0, started: row.pid_started ?? undefined } };
          // Another host cannot be looked at: its lock stands.
          const into = isRunning(holder.process) === false ? stale : held;
          const entry = into.get(row.run_id) ?? { ...holder, targets: [], acquired: row.acquired ?? 0 };
          entry.targets.push(target);
          into.set(row.run_id, entry);
        }
        if (held.size > 0) return { ok: false, heldBy: [...held.values()] };
        for (const target of targets) {
          take.run(target, owner.runId, owner.process.host, owner.process.pid, owner.process.started ?? null, now);
        }
        return { ok: true, takenOver: [...stale.values()], releasedAt };
      });
    },
    release(runId, now = Date.now()) {
      ledger.transaction(() => {
        db.prepare('UPDATE locks SET run_id = NULL, released = ? WHERE run_id = ?').run(now, runId);
      });
    },
  };
}

/** Targets each run holds locks on now, by run id: what a running run is building. */
export function heldTargets(ledger: Ledger): Map<string, string[]> {
  const held = new Map<string, string[]>();
  const rows = ledger.database
    .prepare<[], { target: string; run_id: string }>('SELECT target, run_id FROM locks WHERE run_id IS NOT NULL ORDER BY target')
    .all();
  for (const row of rows) held.set(row.run_id, [...(held.get(row.run_id) ?? []), row.target]);
  return held;
}
