// Part 1 of issue 8: the makespan of the real backfill, replayed by sleeping processors.
//
// The workload is CONTEXT.md's: hours of processor work per table for the 918 game dates of
// 2021-10-19..2026-01-03 (the shipped example's calendar), at 1 hour = 2 s. Every step runs
// bench/lib/sleeper.sh, which sleeps its dates' share of the table's hours and writes a file per
// date. Dependencies are same-date (no lookbacks): upcoming_player → team_defense_zone and
// player_shot_zone (group 1, side by side) → player_composite_factors → player_daily_cache →
// ml_feature_store → predictions → grading → feedback; exports after grading.
//
// Four figures, measured one after the other in the same run:
//  - bftask on a generated config (files targets, shard 23, -j 4), `--reporter lines`;
//  - phased: the original written plan, one process per table over the whole range, group
//    after group (group 1's two tables side by side; exports after feedback);
//  - barriers: the same 23-date shards as bftask, each group's shards at concurrency 4, each
//    group waiting for the previous one;
//  - the floor: total work / 4.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gameDates } from '../example/schedule.mjs';
import { SLEEPER, runBftask, scratch, sec, table, times, verdict } from './lib/measure.js';

/** The tables of the plan, in its order: short name, hours for the whole range, same-date deps. */
export const TABLES = [
  { name: 'upcoming_player', hours: 13, deps: [] },
  { name: 'team_defense_zone', hours: 5, deps: ['upcoming_player'] },
  { name: 'player_shot_zone', hours: 5, deps: ['upcoming_player'] },
  { name: 'player_composite_factors', hours: 10, deps: ['team_defense_zone', 'player_shot_zone'] },
  { name: 'player_daily_cache', hours: 3, deps: ['player_composite_factors'] },
  { name: 'ml_feature_store', hours: 3, deps: ['player_daily_cache'] },
  { name: 'predictions', hours: 5, deps: ['ml_feature_store'] },
  { name: 'grading', hours: 0.5, deps: ['predictions'] },
  { name: 'feedback', hours: 0.5, deps: ['grading'] },
  { name: 'exports', hours: 1, deps: ['grading'] },
];

/** The written plan's groups, in order: each waits for the one before; members run side by side. */
export const GROUPS = [
  ['upcoming_player'],
  ['team_defense_zone', 'player_shot_zone'],
  ['player_composite_factors'],
  ['player_daily_cache'],
  ['ml_feature_store'],
  ['predictions'],
  ['grading'],
  ['feedback'],
  ['exports'],
];

const SHARD = 23;
const CONCURRENCY = 4;

/**
 * @typedef {object} Job
 * @property {string} table
 * @property {string[]} dates
 */

/**
 * @param {{ msPerHour?: number }} [options]
 */
export async function benchMakespan({ msPerHour = 2000 } = {}) {
  const calendar = [...gameDates];
  const totalMs = TABLES.reduce((sum, t) => sum + t.hours * msPerHour, 0);
  const floorMs = totalMs / CONCURRENCY;
  /** @type {(table: string, dates: string[]) => string[]} */
  const argv = (name, dates) => {
    const t = TABLES.find((x) => x.name === name);
    if (!t) throw new Error(`no table ${name}`);
    return ['sh', SLEEPER, String(Math.round(t.hours * msPerHour)), String(calendar.length), `out/${name}`, dates[0] ?? '', dates.at(-1) ?? ''];
  };

  const results = /** @type {Record<string, number>} */ ({});
  let bftaskCpuMs = NaN;
  let steps = 0;

  // bftask
  {
    const { dir, dispose } = scratch();
    try {
      prepare(dir, calendar);
      fs.writeFileSync(path.join(dir, 'backfill.config.ts'), bftaskConfig(calendar, msPerHour));
      // Untimed: compiles the config once (jiti caches it), as on any machine after the first run.
      runBftask(['--dry-run'], { cwd: dir });
      const log = path.join(dir, 'run.log');
      const measured = runBftask(['-j', String(CONCURRENCY), '--reporter', 'lines'], { cwd: dir, stdout: log });
      results.bftask = measured.wallMs;
      bftaskCpuMs = measured.cpuMs ?? NaN;
      steps = fs.readFileSync(log, 'utf8').split('\n').filter((l) => / done {2}/.test(l)).length;
      check(dir, calendar, 'bftask');
    } finally {
      dispose();
    }
  }

  // phased: one process per table over the whole range, group after group.
  {
    const { dir, dispose } = scratch();
    try {
      prepare(dir, calendar);
      const t0 = performance.now();
      for (const group of GROUPS) await Promise.all(group.map((name) => runJob(dir, argv(name, calendar), calendar)));
      results.phased = performance.now() - t0;
      check(dir, calendar, 'phased');
    } finally {
      dispose();
    }
  }

  // barriers: 23-date shards, concurrency 4 within a group, each group waits for the previous.
  {
    const { dir, dispose } = scratch();
    try {
      prepare(dir, calendar);
      /** @type {string[][]} */
      const shards = [];
      for (let i = 0; i < calendar.length; i += SHARD) shards.push(calendar.slice(i, i + SHARD));
      const t0 = performance.now();
      for (const group of GROUPS) {
        const jobs = group.flatMap((name) => shards.map((dates) => () => runJob(dir, argv(name, dates), dates)));
        await pool(jobs, CONCURRENCY);
      }
      results.barriers = performance.now() - t0;
      check(dir, calendar, 'barriers');
    } finally {
      dispose();
    }
  }

  // The same schedules computed with no cost per step: what each policy alone would take.
  const shardCount = Math.ceil(calendar.length / SHARD);
  /** @type {(name: string, dates: number) => number} */
  const duration = (name, dates) => Math.floor((dates * Math.round((TABLES.find((t) => t.name === name)?.hours ?? NaN) * msPerHour)) / calendar.length);
  const shardDates = (/** @type {number} */ k) => Math.min(SHARD, calendar.length - k * SHARD);
  const ideal = {
    bftask: simulateFifo(
      TABLES.flatMap((t) =>
        Array.from({ length: shardCount }, (_, k) => ({ id: `${t.name}:${k}`, ms: duration(t.name, shardDates(k)), needs: t.deps.map((d) => `${d}:${k}`) })),
      ),
      CONCURRENCY,
    ),
    phased: GROUPS.reduce((sum, group) => sum + Math.max(...group.map((name) => duration(name, calendar.length))), 0),
    barriers: GROUPS.reduce(
      (sum, group) =>
        sum + simulateFifo(group.flatMap((name) => Array.from({ length: shardCount }, (_, k) => ({ id: `${name}:${k}`, ms: duration(name, shardDates(k)), needs: [] }))), CONCURRENCY),
      0,
    ),
  };

  const bftask = results.bftask ?? NaN;
  const phased = results.phased ?? NaN;
  const barriers = results.barriers ?? NaN;
  const hours = TABLES.reduce((sum, t) => sum + t.hours, 0);
  const lines = [
    `makespan: ${hours} h of work over ${calendar.length} game dates (1 h = ${msPerHour / 1000} s), ${TABLES.length} tables,`,
    `  shards of ${SHARD} dates, concurrency ${CONCURRENCY}; same-date dependencies (no lookbacks); every step is`,
    '  bench/lib/sleeper.sh (sh + sleep, a file per date), the same for every strategy',
    table([
      ['', 'makespan', '× floor', 'goal', '', 'no cost per step'],
      ['floor: total work / 4', sec(floorMs), times(1), '', '', ''],
      [`bftask (${steps} steps)`, sec(bftask), times(bftask / floorMs), '≤ 1.15×', verdict(bftask / floorMs <= 1.15), `${sec(ideal.bftask)} ${times(ideal.bftask / floorMs)}`],
      ['phased: a process per table, group after group', sec(phased), times(phased / floorMs), '', '', `${sec(ideal.phased)} ${times(ideal.phased / floorMs)}`],
      [`barriers: ${SHARD}-date shards, group after group`, sec(barriers), times(barriers / floorMs), '', '', `${sec(ideal.barriers)} ${times(ideal.barriers / floorMs)}`],
      ['phased / bftask', times(phased / bftask), '', '≥ 3×', verdict(phased / bftask >= 3), times(ideal.phased / ideal.bftask)],
      ['barriers / bftask', times(barriers / bftask), '', '', '', times(ideal.barriers / ideal.bftask)],
    ]),
    '  (no cost per step: the same schedule computed, steps taking exactly their sleep; bftask\'s first',
    '  come, first served at -j 4, which on this graph already reaches the floor — bftask itself starts',
    '  ready steps by critical path — so the gap to it is what each step costs)',
    `  bftask's own CPU during its run: ${sec(bftaskCpuMs)} (${(bftaskCpuMs / steps).toFixed(1)} ms per step)`,
    '  issue 8 measured: bftask 1.60× the floor, phased 3.55×',
  ];
  return lines.join('\n');
}

/**
 * The out/<table>/ and logs/ folders, in a fresh folder.
 * @param {string} dir
 * @param {string[]} calendar
 */
function prepare(dir, calendar) {
  for (const t of TABLES) fs.mkdirSync(path.join(dir, 'out', t.name), { recursive: true });
  fs.mkdirSync(path.join(dir, 'logs'));
}

/**
 * Every table holds every date: the run did all the work.
 * @param {string} dir
 * @param {string[]} calendar
 * @param {string} who
 */
function check(dir, calendar, who) {
  for (const t of TABLES) {
    const n = fs.readdirSync(path.join(dir, 'out', t.name)).length;
    if (n !== calendar.length) throw new Error(`makespan, ${who}: ${t.name} has ${n} of ${calendar.length} dates`);
  }
}

/**
 * @param {string[]} calendar
 * @param {number} msPerHour
 */
function bftaskConfig(calendar, msPerHour) {
  /** @type {Record<string, object>} */
  const targets = {};
  for (const t of TABLES) {
    targets[t.name] = {
      files: `out/${t.name}/{date}`,
      deps: t.deps,
      run: ['sh', SLEEPER, String(Math.round(t.hours * msPerHour)), String(calendar.length), `out/${t.name}`, '{start}', '{end}'],
      shard: SHARD,
    };
  }
  return [
    '// Generated by bench/makespan.js: the backfill replayed by sleeping processors.',
    "import { defineConfig, sqlite } from 'bftask';",
    '',
    `const calendar = ${JSON.stringify(calendar)};`,
    `const targets = ${JSON.stringify(targets, null, 2)};`,
    '',
    'export default defineConfig({',
    "  warehouse: sqlite('data/warehouse.db'),",
    `  range: { start: calendar[0], end: calendar[calendar.length - 1] },`,
    '  calendar,',
    `  concurrency: ${CONCURRENCY},`,
    '  targets,',
    '});',
    '',
  ].join('\n');
}

/**
 * The makespan of `steps` (in plan order) at `limit` at once, each starting when the steps it
 * needs are done, first come first served. (bftask starts ready steps by critical path; on the
 * makespan's graph, where every table has one chain of shards, this order already reaches the floor.)
 * @param {{ id: string, ms: number, needs: string[] }[]} steps
 * @param {number} limit
 */
export function simulateFifo(steps, limit) {
  /** @type {Map<string, number>} */
  const waiting = new Map(steps.map((s) => [s.id, s.needs.length]));
  /** @type {Map<string, string[]>} */
  const dependents = new Map();
  for (const s of steps) for (const n of s.needs) dependents.set(n, [...(dependents.get(n) ?? []), s.id]);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const queue = steps.filter((s) => s.needs.length === 0).map((s) => s.id);
  /** @type {{ id: string, end: number }[]} */
  let running = [];
  let now = 0;
  let head = 0;
  for (;;) {
    while (running.length < limit && head < queue.length) {
      const id = queue[head++] ?? '';
      running.push({ id, end: now + (byId.get(id)?.ms ?? 0) });
    }
    if (running.length === 0) return now;
    now = Math.min(...running.map((r) => r.end));
    const done = running.filter((r) => r.end === now);
    running = running.filter((r) => r.end !== now);
    for (const r of done) {
      for (const d of dependents.get(r.id) ?? []) {
        const left = (waiting.get(d) ?? 0) - 1;
        waiting.set(d, left);
        if (left === 0) queue.push(d);
      }
    }
  }
}

let jobCount = 0;
/**
 * Runs one sleeper as bftask would: in `dir`, BFTASK_DATES set, output to its own log file.
 * @param {string} dir
 * @param {string[]} argv
 * @param {string[]} dates
 * @returns {Promise<void>}
 */
function runJob(dir, argv, dates) {
  const log = fs.openSync(path.join(dir, 'logs', `${jobCount++}.log`), 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), {
      cwd: dir,
      env: { ...process.env, BFTASK_DATES: dates.join(',') },
      stdio: ['ignore', log, log],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(log);
      if (code === 0) resolve();
      else reject(new Error(`${argv.join(' ')} exited ${code}`));
    });
  });
}

/**
 * Runs `jobs` at most `limit` at a time, in order.
 * @param {(() => Promise<void>)[]} jobs
 * @param {number} limit
 */
async function pool(jobs, limit) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]?.();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
