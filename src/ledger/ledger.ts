/**
 * The ledger: bftask's memory of what it did, in `.bftask/state.db` next to the config. The
 * warehouse stays the truth for what is present; the ledger records runs, every attempt of every
 * step (written before a step starts and when it ends, so a crash leaves an honest record) and
 * when each (target, date) was last built. Commands that only read open it read-only, or work
 * without it when it does not exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { IsoDate } from '../config/types.js';
import type { Limits, TargetLimits } from '../plan/limits.js';
import { messageOf, UsageError } from '../util/errors.js';
import type { ProcessRef } from '../util/processes.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'crashed';
export type AttemptOutcome = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'orphaned' | 'skipped';

export interface RunRecord {
  readonly id: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly process: ProcessRef;
  readonly started: number;
  readonly ended: number | undefined;
  readonly outcome: RunOutcome;
  readonly exitCode: number | undefined;
}

export interface AttemptStart {
  readonly runId: string;
  readonly stepId: string;
  readonly target: string;
  readonly dates: readonly IsoDate[];
  readonly argv: readonly string[] | undefined;
  readonly attempt: number;
  readonly log: string | undefined;
  readonly started: number;
}

export interface AttemptEnd {
  readonly outcome: Exclude<AttemptOutcome, 'running'>;
  readonly ended: number;
  readonly exitCode?: number | undefined;
  readonly signal?: string | undefined;
  readonly message?: string | undefined;
}

export interface AttemptRecord extends AttemptStart, Partial<Omit<AttemptEnd, 'outcome'>> {
  readonly id: number;
  /** After a failure: whether it was retried or bisected; undefined when it was final. */
  readonly next: 'retry' | 'bisect' | undefined;
  /** The remote execution it ran as, if it ran remotely. */
  readonly execution: string | undefined;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly outcome: AttemptOutcome;
  readonly process: ProcessRef | undefined;
}

/** Past attempts of one target that succeeded, for durations: dates built and seconds taken. */
export interface Timing {
  readonly dates: number;
  readonly ms: number;
}

/** A planned step as the ledger keeps it. */
export interface StoredStep {
  readonly id: string;
  readonly target: string;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly dates: number;
  readonly needs: readonly string[];
  /** Its critical-path priority: the order the scheduler starts ready steps in. */
  readonly priority: number;
}

/** A run's plan as the ledger keeps it: enough to follow the run, and replay it, from another process. */
export interface StoredPlan {
  readonly limits: Limits;
  readonly steps: readonly StoredStep[];
}

/** StoredPlan in JSON: maps as objects. */
interface PlanJson {
  readonly concurrency: number;
  readonly targets?: Readonly<Record<string, TargetLimits>>;
  readonly pools?: Readonly<Record<string, number>>;
  readonly runners?: Readonly<Record<string, number>>;
  readonly steps: readonly StoredStep[];
}

const FILE = path.join('.bftask', 'state.db');

/** Where a config's ledger lives. */
export const ledgerFile = (configDir: string): string => path.join(configDir, FILE);

export class Ledger {
  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** Opens (creating or migrating) the ledger of a run that writes. */
  static openForWrite(configDir: string): Ledger {
    const file = ledgerFile(configDir);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create ${path.dirname(file)} for bftask's ledger: ${messageOf(error)}`);
    }
    return Ledger.open(file, false);
  }

  /** Opens an existing ledger for a run that writes, or undefined when there is none yet. */
  static openIfExists(configDir: string): Ledger | undefined {
    const file = ledgerFile(configDir);
    return fs.existsSync(file) ? Ledger.open(file, false) : undefined;
  }

  /** Opens the ledger read-only, or undefined when there is none yet (nothing ever ran). */
  static openForRead(configDir: string): Ledger | undefined {
    const file = ledgerFile(configDir);
    if (!fs.existsSync(file)) return undefined;
    return Ledger.open(file, true);
  }

  private static open(file: string, readonly: boolean): Ledger {
    const shown = path.relative(process.cwd(), file) || file;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly, fileMustExist: readonly });
      db.pragma('busy_timeout = 30000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new UsageError(
          `${shown} was written by a newer bftask (ledger schema ${version}; this one knows ${SCHEMA_VERSION}): ` +
            'upgrade bftask, or move the file aside to start a new ledger',
        );
      }
      if (!readonly) {
        if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
        // A power loss may lose the last records, never the file; a crash of bftask loses nothing.
        db.pragma('synchronous = NORMAL');
        const database = db;
        if (version < SCHEMA_VERSION) {
          // Read again under the write lock: another bftask may have migrated it meanwhile.
          database
            .transaction(() => {
              for (let v = database.pragma('user_version', { simple: true }) as number; v < SCHEMA_VERSION; v++) {
                database.exec(MIGRATIONS[v] as string);
                database.pragma(`user_version = ${v + 1}`);
              }
            })
            .immediate();
        }
      } else if (version < SCHEMA_VERSION) {
        // An older ledger is migrated by the next run that writes; reading it as it is would misread.
        db.close();
        return Ledger.openMigratedCopy(file);
      }
      return new Ledger(file, db);
    } catch (error) {
      db?.close();
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `${shown} is not a readable bftask ledger (${messageOf(error)}): move it aside ` +
          `(mv ${shown} ${shown}.broken) and re-run; the warehouse still says what is built`,
      );
    }
  }

  /** A read-only command on an old ledger reads an in-memory migrated copy, leaving the file as it is. */
  private static openMigratedCopy(file: string): Ledger {
    const source = new Database(file, { readonly: true, fileMustExist: true });
    const bytes = source.serialize();
    source.close();
    // Every ledger a run wrote is in WAL mode, which a database in memory cannot open ("unable
    // to open database file"): bytes 18 and 19 of the header say so; 1 is the rollback journal.
    bytes[18] = 1;
    bytes[19] = 1;
    const db = new Database(bytes);
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
    return new Ledger(file, db);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `write` in a BEGIN IMMEDIATE transaction, so concurrent bftask processes wait, never fail. */
  transaction<T>(write: () => T): T {
    return this.db.transaction(write).immediate();
  }

  /** The database itself, for the lock store that shares the file. */
  get database(): Database.Database {
    return this.db;
  }

  startRun(run: Omit<RunRecord, 'ended' | 'outcome' | 'exitCode'>): void {
    this.db
      .prepare(
        'INSERT INTO runs (id, argv, cwd, host, pid, pid_started, started, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(run.id, JSON.stringify(run.argv), run.cwd, run.process.host, run.process.pid, run.process.started ?? null, run.started, 'running');
  }

  /** Records the steps a run is about to run, and the bounds they run within. */
  recordPlan(id: string, plan: StoredPlan): void {
    const { limits } = plan;
    const json: PlanJson = {
      concurrency: limits.concurrency,
      targets: Object.fromEntries(limits.targets ?? []),
      pools: Object.fromEntries(limits.pools ?? []),
      runners: Object.fromEntries(limits.runners ?? []),
      steps: plan.steps,
    };
    this.db.prepare('UPDATE runs SET plan = ? WHERE id = ?').run(JSON.stringify(json), id);
  }

  /** The plan a run recorded; undefined for runs of a bftask that did not record one. */
  planOf(id: string): StoredPlan | undefined {
    const row = this.db.prepare<[string], { plan: string | null }>('SELECT plan FROM runs WHERE id = ?').get(id);
    if (!row?.plan) return undefined;
    const json = JSON.parse(row.plan) as PlanJson;
    // Object.entries: own keys only, so a target called `constructor` is just a name.
    const limits: Limits = {
      concurrency: json.concurrency,
      targets: new Map(Object.entries(json.targets ?? {})),
      pools: new Map(Object.entries(json.pools ?? {})),
      runners: new Map(Object.entries(json.runners ?? {})),
    };
    return { limits, steps: json.steps };
  }

  endRun(id: string, outcome: Exclude<RunOutcome, 'running'>, exitCode: number | undefined, ended = Date.now()): void {
    this.db.prepare('UPDATE runs SET ended = ?, outcome = ?, exit_code = ? WHERE id = ?').run(ended, outcome, exitCode ?? null, id);
  }

  /** Records an attempt before its process starts; returns its id. */
  startAttempt(a: AttemptStart): number {
    const result = this.statement(
      'startAttempt',
      `INSERT INTO attempts (run_id, step_id, target, start, end, dates, argv, attempt, log, started, outcome)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
    ).run(
      a.runId,
      a.stepId,
      a.target,
      a.dates[0] ?? '',
      a.dates[a.dates.length - 1] ?? '',
      a.dates.join(','),
      a.argv ? JSON.stringify(a.argv) : null,
      a.attempt,
      a.log ?? null,
      a.started,
    );
    return Number(result.lastInsertRowid);
  }

  /** The attempt's process, as soon as it exists: what a later run checks before killing it. */
  attemptSpawned(id: number, proc: ProcessRef): void {
    this.statement('attemptSpawned', 'UPDATE attempts SET pid = ?, pid_started = ?, host = ? WHERE id = ?').run(
      proc.pid,
      proc.started ?? null,
      proc.host,
      id,
    );
  }

  /**
   * Records an attempt's ending and, when it built its dates, marks them built, in one
   * transaction: one write to the file per step, and never one without the other.
   */
  finishAttempt(id: number, end: AttemptEnd, built?: { target: string; dates: readonly IsoDate[]; runId: string }): void {
    if (!built) return this.endAttempt(id, end);
    this.transaction(() => {
      this.endAttempt(id, end);
      this.built(built.target, built.dates, built.runId, end.ended);
    });
  }

  /** A remote attempt's execution, as soon as it exists: what a later run cancels after a crash. */
  attemptExecution(id: number, execution: string): void {
    this.statement('attemptExecution', 'UPDATE attempts SET execution = ? WHERE id = ?').run(execution, id);
  }

  endAttempt(id: number, end: AttemptEnd): void {
    this.statement(
      'endAttempt',
      'UPDATE attempts SET ended = ?, outcome = ?, exit_code = ?, signal = ?, message = ? WHERE id = ?',
    ).run(end.ended, end.outcome, end.exitCode ?? null, end.signal ?? null, end.message ?? null, id);
  }

  /** Says what followed a failed attempt: a retry of its dates, or a bisection of them. */
  attemptFollowedBy(id: number, next: 'retry' | 'bisect'): void {
    this.statement('attemptFollowedBy', 'UPDATE attempts SET next = ? WHERE id = ?').run(next, id);
  }

  /** Marks dates built by a run (its step passed the post-step check), with when. */
  built(target: string, dates: readonly IsoDate[], runId: string, at: number): void {
    const upsert = this.statement(
      'built',
      'INSERT INTO builds (target, date, built, run_id) VALUES (?, ?, ?, ?) ON CONFLICT (target, date) DO UPDATE SET built = excluded.built, run_id = excluded.run_id',
    );
    this.transaction(() => {
      for (const date of dates) upsert.run(target, date, at, runId);
    });
  }

  /** When each date of `targets` was last built by bftask, ms since the epoch. */
  buildTimes(targets: readonly string[]): Map<string, Map<IsoDate, number>> {
    const times = new Map<string, Map<IsoDate, number>>(targets.map((t) => [t, new Map()]));
    const select = this.db.prepare<[string], { date: string; built: number }>('SELECT date, built FROM builds WHERE target = ?');
    for (const target of targets) for (const row of select.iterate(target)) times.get(target)?.set(row.date, row.built);
    return times;
  }

  /** Recent runs, newest first. */
  runs(limit: number): RunRecord[] {
    return this.db
      .prepare<[number], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started DESC, id DESC LIMIT ?`)
      .all(limit)
      .map(runOf);
  }

  run(id: string): RunRecord | undefined {
    const row = this.db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id);
    return row && runOf(row);
  }

  attemptsOf(runId: string): AttemptRecord[] {
    return this.db
      .prepare<[string], AttemptRow>('SELECT * FROM attempts WHERE run_id = ? ORDER BY id')
      .all(runId)
      .map(attemptOf);
  }

  /** Attempts still marked running, with their run: after a crash, candidates for orphans. */
  runningAttempts(): { attempt: AttemptRecord; run: RunRecord }[] {
    const rows = this.db
      .prepare<[], AttemptRow>("SELECT * FROM attempts WHERE outcome = 'running' ORDER BY id")
      .all()
      .map(attemptOf);
    const runs = new Map<string, RunRecord | undefined>();
    return rows.flatMap((attempt) => {
      if (!runs.has(attempt.runId)) runs.set(attempt.runId, this.run(attempt.runId));
      const run = runs.get(attempt.runId);
      return run ? [{ attempt, run }] : [];
    });
  }

  /** Runs still marked running. */
  runningRuns(): RunRecord[] {
    return this.db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE outcome = 'running'`).all().map(runOf);
  }

  /** Successful attempts of `target`, newest first: the history durations are estimated from (leaving out run `exceptRun`). */
  timings(target: string, limit = 50, exceptRun = ''): Timing[] {
    return this.db
      .prepare<[string, string, number], { n: number; ms: number }>(
        `SELECT length(dates) - length(replace(dates, ',', '')) + 1 AS n, ended - started AS ms
         FROM attempts WHERE target = ? AND run_id != ? AND outcome = 'succeeded' AND ended IS NOT NULL ORDER BY ended DESC LIMIT ?`,
      )
      .all(target, exceptRun, limit)
      .map((r) => ({ dates: r.n, ms: r.ms }));
  }

  attempt(id: number): AttemptRecord | undefined {
    const row = this.db.prepare<[number], AttemptRow>('SELECT * FROM attempts WHERE id = ?').get(id);
    return row && attemptOf(row);
  }

  /**
   * The latest attempt of `target`, of those covering `date` if given; with `logged`, only those
   * that ran a process (or SQL) and so have a log, not dates skipped for a failed input.
   */
  latestAttempt(target: string, date: IsoDate | undefined, logged: boolean): AttemptRecord | undefined {
    const log = logged ? 'AND log IS NOT NULL' : '';
    const row =
      date === undefined
        ? this.db.prepare<[string], AttemptRow>(`SELECT * FROM attempts WHERE target = ? ${log} ORDER BY id DESC LIMIT 1`).get(target)
        : this.db
            .prepare<[string, IsoDate, IsoDate, string], AttemptRow>(
              `SELECT * FROM attempts WHERE target = ? ${log} AND start <= ? AND end >= ? AND ',' || dates || ',' LIKE ?
               ORDER BY id DESC LIMIT 1`,
            )
            .get(target, date, date, `%,${date},%`);
    return row && attemptOf(row);
  }

  /** Every attempt of the runs `runIds`, in the order they started. */
  attemptsOfRuns(runIds: readonly string[]): AttemptRecord[] {
    if (runIds.length === 0) return [];
    return this.db
      .prepare<string[], AttemptRow>(`SELECT * FROM attempts WHERE run_id IN (${runIds.map(() => '?').join(', ')}) ORDER BY id`)
      .all(...runIds)
      .map(attemptOf);
  }

  private readonly prepared = new Map<string, Database.Statement>();

  /** Statements prepared once per ledger, not once per step. */
  private statement(key: string, sql: string): Database.Statement {
    let statement = this.prepared.get(key);
    if (!statement) this.prepared.set(key, (statement = this.db.prepare(sql)));
    return statement;
  }
}

/** Every column of runs but the plan, which can be large and is read on its own. */
const RUN_COLUMNS = 'id, argv, cwd, host, pid, pid_started, started, ended, outcome, exit_code';

interface RunRow {
  id: string;
  argv: string;
  cwd: string;
  host: string;
  pid: number;
  pid_started: string | null;
  started: number;
  ended: number | null;
  outcome: RunOutcome;
  exit_code: number | null;
}

interface AttemptRow {
  id: number;
  run_id: string;
  step_id: string;
  target: string;
  start: string;
  end: string;
  dates: string;
  argv: string | null;
  attempt: number;
  pid: number | null;
  pid_started: string | null;
  host: string | null;
  started: number;
  ended: number | null;
  outcome: AttemptOutcome;
  exit_code: number | null;
  signal: string | null;
  message: string | null;
  next: 'retry' | 'bisect' | null;
  execution: string | null;
  log: string | null;
}

function runOf(row: RunRow): RunRecord {
  return {
    id: row.id,
    argv: JSON.parse(row.argv) as string[],
    cwd: row.cwd,
    process: { host: row.host, pid: row.pid, started: row.pid_started ?? undefined },
    started: row.started,
    ended: row.ended ?? undefined,
    outcome: row.outcome,
    exitCode: row.exit_code ?? undefined,
  };
}

function attemptOf(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    runId: row.run_id,
    stepId: row.step_id,
    target: row.target,
    start: row.start,
    end: row.end,
    dates: row.dates === '' ? [] : row.dates.split(','),
    argv: row.argv === null ? undefined : (JSON.parse(row.argv) as string[]),
    attempt: row.attempt,
    log: row.log ?? undefined,
    started: row.started,
    ended: row.ended ?? undefined,
    outcome: row.outcome,
    exitCode: row.exit_code ?? undefined,
    signal: row.signal ?? undefined,
    message: row.message ?? undefined,
    next: row.next ?? undefined,
    execution: row.execution ?? undefined,
    process: row.pid === null ? undefined : { host: row.host ?? '', pid: row.pid, started: row.pid_started ?? undefined },
  };
}
