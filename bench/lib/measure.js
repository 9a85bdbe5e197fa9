// What every part of the bench shares: running a command and timing it, bftask's own CPU and
// memory, dates, and printing figures beside their goals.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** bin/bftask.js plus a report of its own CPU and peak memory at exit (see inproc.js). */
export const INPROC = path.join(root, 'bench', 'lib', 'inproc.js');
export const SLEEPER = path.join(root, 'bench', 'lib', 'sleeper.sh');
const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = fs.existsSync(GNU_TIME);

/**
 * @typedef {object} Measured
 * @property {number} wallMs  from spawn to exit, as seen by the bench
 * @property {number} [cpuMs]  the process's own user + system CPU, without its children's
 * @property {number} [maxRssKb]  peak resident memory
 */

/**
 * @typedef {object} RunOptions
 * @property {string} cwd
 * @property {string} [stdout]  a file to write stdout to (default: discarded)
 * @property {Record<string, string>} [env]  added to the inherited environment
 * @property {string[]} [nodeArgs]  for bftask: node options such as --cpu-prof
 */

/**
 * Runs bftask with `args` in `options.cwd` (node bench/lib/inproc.js, i.e. bin/bftask.js plus a
 * stats hook); throws with its stderr unless it exits 0.
 * @param {string[]} args
 * @param {RunOptions} options
 * @returns {Measured}
 */
export function runBftask(args, options) {
  const statsFile = path.join(os.tmpdir(), `bftask-bench-stats-${process.pid}-${Date.now()}.json`);
  const measured = run([process.execPath, ...(options.nodeArgs ?? []), INPROC, ...args], {
    ...options,
    env: { ...options.env, BFTASK_BENCH_STATS: statsFile },
  });
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  fs.rmSync(statsFile, { force: true });
  return { wallMs: measured.wallMs, cpuMs: stats.userMs + stats.systemMs, maxRssKb: stats.maxRssKb };
}

/**
 * Runs `argv` under /usr/bin/time when there is one (for peak memory); throws unless it exits 0.
 * @param {string[]} argv
 * @param {RunOptions} options
 * @returns {Measured}
 */
export function runMeasured(argv, options) {
  if (!hasGnuTime) return run(argv, options);
  const measured = run([GNU_TIME, '-f', 'BENCH-TIME %U %S %M', ...argv], options);
  const line = measured.stderr.split('\n').reverse().find((l) => l.startsWith('BENCH-TIME '));
  if (!line) return measured;
  const [user, system, rss] = line.split(' ').slice(1).map(Number);
  return { ...measured, cpuMs: ((user ?? NaN) + (system ?? NaN)) * 1000, maxRssKb: rss };
}

/**
 * @param {string[]} argv
 * @param {RunOptions} options
 * @returns {Measured & { stderr: string }}
 */
function run(argv, options) {
  const out = options.stdout ? fs.openSync(options.stdout, 'w') : 'ignore';
  try {
    const t0 = performance.now();
    const result = spawnSync(argv[0] ?? '', argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', out, 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    const wallMs = performance.now() - t0;
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(`${argv.join(' ')} (in ${options.cwd}) exited ${result.status ?? result.signal}:\n${result.stderr}`);
    }
    return { wallMs, stderr: result.stderr };
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
  }
}

/**
 * A scratch folder, removed by `dispose` (with rm -rf: much faster than node for millions of
 * files). A detached janitor removes it too if the bench dies first — Ctrl-C, kill, a crash —
 * so an interrupted run never leaves millions of stamp files in RAM (tmpfs). (A signal handler
 * could not: the parts run synchronously, so it would only get to run once they were done.)
 */
export function scratch(prefix = 'bftask-bench-', parent = os.tmpdir()) {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  const janitor = spawn('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; rm -rf "$2"', 'janitor', String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  janitor.unref();
  return {
    dir,
    dispose: () => {
      spawnSync('rm', ['-rf', dir], { stdio: 'ignore' });
      janitor.kill();
    },
  };
}

const DAY_MS = 86_400_000;
/** @type {(date: string, days: number) => string} */
export const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** @type {(start: string, count: number) => string[]} */
export const days = (start, count) => Array.from({ length: count }, (_, i) => addDays(start, i));

/** @type {(ms: number) => string} */
export const sec = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
/** @type {(kb: number | undefined) => string} */
export const mb = (kb) => (kb === undefined ? '—' : `${Math.round(kb / 1024)} MB`);
/** @type {(x: number) => string} */
export const times = (x) => `${x.toFixed(2)}×`;
/** @type {(ok: boolean) => string} */
export const verdict = (ok) => (ok ? 'met' : 'NOT MET');

/**
 * Lays out rows as aligned columns (first column left, the rest right-aligned).
 * @param {string[][]} rows
 * @param {string} indent
 */
export function table(rows, indent = '  ') {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

/** @type {(values: number[]) => number} */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
