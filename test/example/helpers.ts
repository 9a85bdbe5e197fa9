/** Runs the example processors as real child processes against a throwaway SQLite warehouse. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every processor, in an order that satisfies the config's dependencies. */
export const CHAIN = [
  'schedule', 'boxscores', 'team_boxscores', 'props',
  'pgs', 'tog', 'tdg', 'upgc', 'utgc',
  'tdza', 'psza', 'pcf', 'pdc', 'mlfs',
  'predictions', 'grading', 'sdp', 'pps', 'sta', 'exports',
] as const;

export interface JobResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp folder holding `warehouse.db` (created by the first processor) and `exports/`. */
export interface Warehouse {
  readonly dir: string;
  readonly file: string;
  /** Runs `node example/jobs/<name>.mjs ...args` with BFTASK_WAREHOUSE set, as bftask would. */
  run(name: string, args: readonly string[]): JobResult;
  /** Runs a processor over `start..end` (exports write under this folder); throws unless it exits 0. */
  build(name: string, start: string, end: string): JobResult;
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** A second warehouse starting from a copy of this one's file. */
  copy(): Warehouse;
  remove(): void;
}

/** Opens a warehouse in `dir` (a fresh temp folder by default). */
export function makeWarehouse(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-example-'))): Warehouse {
  const file = path.join(dir, 'warehouse.db');
  const run = (name: string, args: readonly string[]): JobResult => {
    const child = spawnSync('node', [path.join(ROOT, 'example', 'jobs', `${name}.mjs`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', BFTASK_WAREHOUSE: file },
      encoding: 'utf8',
    });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr };
  };
  return {
    dir,
    file,
    run,
    build(name, start, end) {
      const extra = name === 'exports' ? ['--out-dir', path.join(dir, 'exports')] : [];
      const result = run(name, [...extra, '--start-date', start, '--end-date', end]);
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
      return result;
    },
    query(sql, ...params) {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as never;
      } finally {
        db.close();
      }
    },
    copy() {
      const other = makeWarehouse();
      // Fold the WAL into the main file first so the copy is complete.
      const db = new Database(file);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      fs.copyFileSync(file, other.file);
      return other;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The project's backfill.config.ts; `bftask` resolves to src/, so no build is needed first. */
export async function loadConfig(): Promise<import('../../src/index.js').BackfillConfig> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { alias: { bftask: path.join(ROOT, 'src', 'index.ts') } });
  return jiti.import(path.join(ROOT, 'backfill.config.ts'), { default: true });
}
