/**
 * The ledger's tables. `PRAGMA user_version` holds the schema version; each entry of MIGRATIONS
 * takes the file from version i to i + 1, so an old ledger is brought forward in place and a
 * ledger from a newer bftask is refused rather than misread.
 */

export const MIGRATIONS: readonly string[] = [
  // 0 -> 1
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    argv TEXT NOT NULL,            -- JSON array, as typed after 'bftask'
    cwd TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    pid_started TEXT,              -- see util/processes.ts: tells a pid from a later reuse
    started INTEGER NOT NULL,      -- ms since the epoch
    ended INTEGER,
    outcome TEXT NOT NULL,         -- running | succeeded | failed | interrupted | crashed
    exit_code INTEGER
  );
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    step_id TEXT NOT NULL,         -- target:start_end of the planned step this piece belongs to
    target TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    dates TEXT NOT NULL,           -- comma-separated: exactly the dates this attempt builds
    argv TEXT,                     -- JSON array; null for a SQL step
    attempt INTEGER NOT NULL,      -- 1, 2, ... for retries of the same dates
    pid INTEGER,                   -- also the process group id: each step leads its own group
    pid_started TEXT,
    host TEXT,
    started INTEGER NOT NULL,
    ended INTEGER,
    outcome TEXT NOT NULL,         -- running | succeeded | failed | timed-out | interrupted | orphaned | skipped
    exit_code INTEGER,
    signal TEXT,
    message TEXT,                  -- one line: why it failed, or what it was skipped for
    next TEXT,                     -- after a failure: retry | bisect; null when it was final
    log TEXT
  );
  CREATE INDEX attempts_by_run ON attempts (run_id);
  CREATE INDEX attempts_running ON attempts (outcome) WHERE outcome = 'running';
  CREATE INDEX attempts_by_target ON attempts (target, ended);
  CREATE TABLE builds (
    target TEXT NOT NULL,
    date TEXT NOT NULL,
    built INTEGER NOT NULL,        -- when its step passed the post-step check, ms since the epoch
    run_id TEXT NOT NULL,
    PRIMARY KEY (target, date)
  ) WITHOUT ROWID;
  CREATE TABLE locks (
    target TEXT PRIMARY KEY,
    run_id TEXT,                   -- null: free
    host TEXT,
    pid INTEGER,
    pid_started TEXT,
    acquired INTEGER,
    released INTEGER               -- when the last holder let go: a plan older than this is stale
  ) WITHOUT ROWID;
  `,
  // 1 -> 2: steps that run remotely are found by their execution's name, not a pid.
  `
  ALTER TABLE attempts ADD COLUMN execution TEXT;  -- e.g. projects/p/locations/l/executions/backfill-x7k2p
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
