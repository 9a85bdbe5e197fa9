/**
 * End-to-end test rig: a temp project written from an object literal, the real CLI run as a
 * child process with a scrubbed environment, and the real SQLite file to inspect afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { execa, type ResultPromise } from 'execa';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'bftask.js');
export const PROCESSOR = path.join(ROOT, 'test', 'fixtures', 'processor.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type SpawnOptions = { cwd: string; reject: false; extendEnv: false; env: Record<string, string>; stdin: 'ignore' };

export interface RunOptions {
  env?: Record<string, string>;
  /** Where to run from (default: the project folder). */
  cwd?: string;
}

/** One line of events.log, written by the fixture processor. */
export interface ProcessorEvent {
  readonly event: 'start' | 'end' | 'child' | 'term' | 'tick' | 'gave-up';
  readonly target: string;
  readonly start: string;
  readonly end: string;
  readonly pid: number;
  /** Date.now() when it was written. */
  readonly t: number;
  /** The processor's arguments (on `start` only). */
  readonly argv?: string[];
}

export interface Project {
  readonly dir: string;
  /** Runs `bftask ...args` in the project folder (lines reporter, no colour). */
  bftask(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Starts `bftask ...args` without waiting, for tests that signal it. */
  spawn(args: readonly string[], options?: RunOptions): ResultPromise<SpawnOptions>;
  /** Rows of a query against the project's warehouse (`data/warehouse.db`). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** Runs a writing statement against the project's warehouse. */
  exec(sql: string, ...params: unknown[]): void;
  /** Lines of invocations.log: `target start end dateCount`, one per step the processor ran. */
  invocations(): string[];
  /** Parsed events.log: the processor's start, end, grandchild, SIGTERM, tick and gave-up lines. */
  events(): ProcessorEvent[];
  write(file: string, text: string): void;
  remove(): void;
}

/** Creates a project from `files` (path → contents) in a fresh temp folder. */
export function makeProject(files: Record<string, string>): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-test-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  const spawn = (args: readonly string[], options: RunOptions = {}) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd ?? dir,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), CI: 'true', NO_COLOR: '1', ...options.env },
      stdin: 'ignore',
    };
    return execa('node', [BIN, ...args], spawnOptions);
  };
  // Whole lines only: a step may be half-way through appending one while a test reads.
  const lines = (file: string) =>
    fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8').split('\n').slice(0, -1).filter(Boolean) : [];
  const withDb = <T>(readonly: boolean, use: (db: Database.Database) => T): T => {
    if (!readonly) fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const db = new Database(path.join(dir, 'data', 'warehouse.db'), { readonly });
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  return {
    dir,
    async bftask(args, options = {}) {
      const result = await spawn(args, options);
      return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    spawn,
    query: (sql, ...params) => withDb(true, (db) => db.prepare(sql).all(...params) as never),
    exec: (sql, ...params) => withDb(false, (db) => void db.prepare(sql).run(...params)),
    invocations: () => lines('invocations.log'),
    events: () => lines('events.log').map((line) => JSON.parse(line) as ProcessorEvent),
    write,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The argv of a fixture processor that writes `table` (column `d`), plus extra flags. */
export function processor(table: string, ...extra: string[]): string[] {
  return ['node', PROCESSOR, '--table', table, '--column', 'd', '--start-date', '{start}', '--end-date', '{end}', ...extra];
}

/** A backfill.config.ts whose targets are given as TypeScript source for the `targets` object. */
export function configSource(targets: string, options: { range?: [string, string]; extra?: string } = {}): string {
  const [start, end] = options.range ?? ['2024-01-01', '2024-01-10'];
  return `import { defineConfig, sqlite } from 'bftask';
const proc = (table: string, ...extra: string[]) => ${JSON.stringify(['node', PROCESSOR])}.concat(['--table', table, '--column', 'd', '--start-date', '{start}', '--end-date', '{end}', ...extra]);
export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: { start: '${start}', end: '${end}' },
  ${options.extra ?? ''}
  targets: ${targets},
});
`;
}
