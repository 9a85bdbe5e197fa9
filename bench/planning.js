// Part 3 of issue 8: planning at scale. A generated layered DAG of 200 targets (10 layers of 20;
// each target after the first layer reads two targets of the layer before — every fourth of
// them with a 3-day lookback on the second — and every fifth also one target two layers up)
// over daily dates, about half of them present. The state is a stamp file per (target, date),
// st/<target>/<date>, which bftask reads as `files` targets and make as the targets of an
// equivalent Makefile: both see the very same files. Layer by layer, later layers' files are
// newer, so make finds present stamps up to date exactly where bftask finds them present.
//
// Measured: `bftask --dry-run --json` wall time and peak memory at 1×, 2× and 4× the number
// of dates (targets stay 200), the same plan read from SQLite instead of files (1×, to tell
// coverage reading from planning), and `make -n` at 1× (every size with --make-all); then
// bftask's pending set against the one make -n prints; and plan() alone, in-process, at each
// size, for the planner's own growth without start-up and I/O.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { validateConfig } from '../dist/config/validate.js';
import { plan } from '../dist/plan/plan.js';
import { days, mb, runBftask, runMeasured, scratch, sec, table, times, verdict } from './lib/measure.js';

const START = '2000-01-01';
const WIDTH = 20;

/**
 * @typedef {{ target: number, lookback: number }} Dep
 * @typedef {{ name: string, layer: number, deps: Dep[] }} Node
 */

/** @type {(i: number) => string} */
const nameOf = (i) => `t${String(i).padStart(3, '0')}`;

/**
 * The DAG: 10 layers of 20 for 200 targets.
 * @param {number} count
 * @returns {Node[]}
 */
export function shape(count) {
  return Array.from({ length: count }, (_, i) => {
    const layer = Math.floor(i / WIDTH);
    const k = i % WIDTH;
    /** @type {Dep[]} */
    const deps = [];
    if (layer > 0) {
      deps.push({ target: (layer - 1) * WIDTH + k, lookback: 0 });
      deps.push({ target: (layer - 1) * WIDTH + ((k + 7) % WIDTH), lookback: i % 4 === 0 ? 3 : 0 });
    }
    if (layer > 1 && i % 5 === 0) deps.push({ target: (layer - 2) * WIDTH + ((k * 3) % WIDTH), lookback: 0 });
    return { name: nameOf(i), layer, deps };
  });
}

/**
 * Whether target `i` holds date number `j`: alternate blocks of 100 dates present and missing
 * (an earlier backfill done in chunks), and in the first layer a hole every 500 dates at a
 * place of its own, which Make semantics carry downstream (lookbacks widen it).
 * @param {Node} node
 * @param {number} i
 * @param {number} j
 */
const isPresent = (node, i, j) => Math.floor(j / 100) % 2 === 0 && !(node.layer === 0 && j % 500 === (i * 37) % 500);

/**
 * @param {{ targets?: number, dates?: number, scales?: number[], makeAll?: boolean, profileDir?: string }} [options]
 */
export function benchPlanning({ targets = 200, dates = 5000, scales = [1, 2, 4], makeAll = false, profileDir } = {}) {
  const nodes = shape(targets);
  const maxDates = dates * Math.max(...scales);
  const calendar = days(START, maxDates);
  const cells = (/** @type {number} */ scale) => targets * dates * scale;
  let present = 0;
  for (const [i, node] of nodes.entries()) for (let j = 0; j < maxDates; j++) if (isPresent(node, i, j)) present++;
  const parent = roomyTmp(present + nodes.length);
  const { dir, dispose } = scratch('bftask-bench-plan-', parent);
  try {
    const t0 = performance.now();
    const created = writeStamps(dir, nodes, calendar);
    const createMs = performance.now() - t0;
    for (const scale of scales) {
      fs.writeFileSync(path.join(dir, `files-${scale}x.config.ts`), config(nodes, calendar.slice(0, dates * scale), 'files'));
    }
    fs.writeFileSync(path.join(dir, 'sqlite-1x.config.ts'), config(nodes, calendar.slice(0, dates), 'sqlite'));
    writeSqlite(path.join(dir, 'warehouse.db'), nodes, calendar.slice(0, dates));
    // Untimed: compiles each config once (jiti caches it), as on any machine after the first run.
    // (A plan of one date: loading the config is all it costs.)
    for (const file of [...scales.map((s) => `files-${s}x.config.ts`), 'sqlite-1x.config.ts']) {
      runBftask(['--config', file, '--dry-run', '--from', START, '--to', START], { cwd: dir });
    }

    /** @type {string[][]} */
    const rows = [['', 'cells', 'pending', 'wall', 'CPU', 'CPU µs/cell', 'peak RSS', 'growth: wall, CPU', 'goal', '']];
    /**
     * @param {string} label
     * @param {number} scale
     * @param {Set<string> | undefined} pending
     * @param {import('./lib/measure.js').Measured} m
     * @param {import('./lib/measure.js').Measured | undefined} base  the same at the first size, for growth
     * @param {boolean} [withGoal]
     */
    const row = (label, scale, pending, m, base, withGoal = false) => {
      const cpu = m.cpuMs ?? NaN;
      const growth = base && base !== m ? `${times(m.wallMs / base.wallMs)} ${times(cpu / (base.cpuMs ?? NaN))}` : '';
      let goal = '';
      let met = '';
      if (withGoal && (!base || base === m)) {
        goal = '≤ 2 s, ≤ 400 MB';
        met = verdict(m.wallMs <= 2000 && (m.maxRssKb ?? Infinity) <= 400 * 1024);
      } else if (withGoal && base) {
        goal = `wall ≤ ${(scale * 1.15).toFixed(1)}× (linear)`;
        met = verdict(m.wallMs / base.wallMs <= scale * 1.15);
      }
      rows.push([label, count(cells(scale)), pending ? count(pending.size) : '', sec(m.wallMs), sec(cpu), ((cpu * 1000) / cells(scale)).toFixed(1), mb(m.maxRssKb), growth, goal, met]);
    };

    /** @type {import('./lib/measure.js').Measured | undefined} */
    let bftaskBase;
    /** @type {Set<string> | undefined} */
    let bftaskPending1x;
    for (const scale of scales) {
      const out = path.join(dir, `plan-${scale}x.json`);
      const m = runBftask(['--config', `files-${scale}x.config.ts`, '--dry-run', '--json'], { cwd: dir, stdout: out });
      const pending = bftaskPending(out);
      fs.rmSync(out);
      bftaskBase ??= m;
      bftaskPending1x ??= pending;
      row(`bftask --dry-run --json, files, ${scale}×`, scale, pending, m, bftaskBase, true);
    }

    const sqlOut = path.join(dir, 'plan-sqlite.json');
    const sql = runBftask(['--config', 'sqlite-1x.config.ts', '--dry-run', '--json'], { cwd: dir, stdout: sqlOut });
    const sqlPending = bftaskPending(sqlOut);
    fs.rmSync(sqlOut);
    row('bftask --dry-run --json, SQLite, 1×', 1, sqlPending, sql, undefined, true);

    /** @type {Set<string> | undefined} */
    let makePending1x;
    /** @type {import('./lib/measure.js').Measured | undefined} */
    let makeBase;
    for (const scale of makeAll ? scales : scales.slice(0, 1)) {
      const makefilePath = path.join(dir, `Makefile-${scale}x`);
      writeMakefile(makefilePath, nodes, calendar.slice(0, dates * scale));
      const out = path.join(dir, `make-${scale}x.out`);
      const m = runMeasured(['make', '-n', '-r', '-f', makefilePath], { cwd: dir, stdout: out });
      const pending = makePending(out);
      fs.rmSync(out);
      fs.rmSync(makefilePath);
      makeBase ??= m;
      makePending1x ??= pending;
      row(`make -n -r, ${scale}×`, scale, pending, m, makeBase);
    }

    // The planner alone, in this process, on the same DAG and state: its own growth, without
    // node's start, the config's loading, reading coverage or writing JSON.
    /** @type {import('./lib/measure.js').Measured | undefined} */
    let aloneBase;
    for (const scale of scales) {
      const m = planAlone(nodes, calendar.slice(0, dates * scale));
      aloneBase ??= m;
      row(`plan() alone, in-process, ${scale}×`, scale, undefined, m, aloneBase);
    }

    const lines = [
      `planning: ${targets} targets (${Math.ceil(targets / WIDTH)} layers of ${WIDTH}; 2-3 deps each, a quarter with a 3-day lookback), daily dates,`,
      `  alternate 100-date blocks present plus holes in layer 1: ${count(created)} of ${count(targets * maxDates)} stamp files present at ${Math.max(...scales)}×`,
      `  scaled: the number of dates (${scales.map((s) => count(dates * s)).join(' → ')}); ${targets} targets throughout`,
      `  state: st/<target>/<date> stamp files in ${parent}, read by bftask (files targets) and make alike (written in ${sec(createMs)})`,
      table(rows),
    ];
    if (bftaskPending1x && makePending1x) {
      const same = sameSet(bftaskPending1x, makePending1x);
      lines.push(`  pending at 1×: bftask ${count(bftaskPending1x.size)}, make -n ${count(makePending1x.size)}: ${same ? 'the same set' : `DIFFERENT (${difference(bftaskPending1x, makePending1x)})`}`);
    }
    if (bftaskPending1x) {
      const same = sameSet(bftaskPending1x, sqlPending);
      lines.push(`  pending at 1×, bftask from SQLite against from files: ${same ? 'the same set' : `DIFFERENT (${difference(bftaskPending1x, sqlPending)})`}`);
    }
    lines.push('  issue 8 measured: bftask 2.8 s / 231 MB at 1×; make -n 29 s');

    if (profileDir) {
      const where = path.join(profileDir, 'planning');
      for (const [name, configFile] of [['files', `files-${scales[0]}x.config.ts`], ['sqlite', 'sqlite-1x.config.ts']]) {
        runBftask(['--config', configFile ?? '', '--dry-run', '--json'], {
          cwd: dir,
          nodeArgs: ['--cpu-prof', '--cpu-prof-dir', path.join(where, name ?? '')],
        });
      }
      lines.push(`  profiles of one more dry run at ${scales[0]}× (files, SQLite): ${where}`);
    }
    return lines.join('\n');
  } finally {
    dispose();
  }
}

/**
 * How long `plan()` takes over `calendar` with the state of the stamps, given as sets.
 * @param {Node[]} nodes
 * @param {string[]} calendar
 * @returns {import('./lib/measure.js').Measured}
 */
export function planAlone(nodes, calendar) {
  /** @type {Record<string, object>} */
  const targets = {};
  for (const node of nodes) {
    targets[node.name] = {
      table: node.name,
      dateColumn: 'd',
      deps: node.deps.map((d) => (d.lookback ? { target: nameOf(d.target), lookback: d.lookback } : nameOf(d.target))),
      run: ['touch', `st/${node.name}/{start}`],
      shard: 30,
    };
  }
  const range = { start: calendar[0] ?? START, end: calendar.at(-1) ?? START };
  const validated = validateConfig({ warehouse: { kind: 'sqlite', path: 'w.db' }, range, calendar: 'daily', targets }, '/bench/backfill.config.ts');
  if (!validated.ok) throw new Error(validated.errors.join('\n'));
  const { config } = validated;
  const present = new Map(nodes.map((node, i) => [node.name, new Set(calendar.filter((_, j) => isPresent(node, i, j)))]));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  plan({ config, selection: new Set(config.order), range: config.range, calendar, present, force: new Set() });
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * A tmpfs (/dev/shm) when it has room for the stamps: creating millions of files there is about
 * 3× faster than on this machine's disk, while reading whether one exists costs the same (the
 * kernel's cache answers either way).
 * @param {number} files
 */
function roomyTmp(files) {
  try {
    const shm = '/dev/shm';
    fs.accessSync(shm, fs.constants.W_OK);
    const s = fs.statfsSync(shm);
    if (s.ffree > files * 1.1 + 100_000 && s.bavail * s.bsize > 1024 ** 3) return shm;
  } catch {
    // no tmpfs: the usual temp folder
  }
  return os.tmpdir();
}

/**
 * Writes the present stamps, layer by layer, each layer's files newer than the layer before.
 * @param {string} dir
 * @param {Node[]} nodes
 * @param {string[]} calendar
 * @returns {number} how many files
 */
function writeStamps(dir, nodes, calendar) {
  let written = 0;
  let layer = -1;
  for (const [i, node] of nodes.entries()) {
    if (node.layer !== layer) {
      // File times have a clock tick's resolution: wait a few ticks so the next layer is newer.
      const until = Date.now() + 30;
      while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      layer = node.layer;
    }
    const folder = path.join(dir, 'st', node.name);
    fs.mkdirSync(folder, { recursive: true });
    for (const [j, date] of calendar.entries()) {
      if (!isPresent(node, i, j)) continue;
      fs.closeSync(fs.openSync(path.join(folder, date), 'w'));
      written++;
    }
  }
  return written;
}

/**
 * The same state as rows: a table per target, a row per present date.
 * @param {string} file
 * @param {Node[]} nodes
 * @param {string[]} calendar
 */
export function writeSqlite(file, nodes, calendar) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    for (const [i, node] of nodes.entries()) {
      db.exec(`CREATE TABLE ${node.name} (d TEXT NOT NULL); CREATE INDEX ${node.name}_d ON ${node.name} (d);`);
      const insert = db.prepare(`INSERT INTO ${node.name} (d) VALUES (?)`);
      for (const [j, date] of calendar.entries()) if (isPresent(node, i, j)) insert.run(date);
    }
  })();
  db.close();
}

/**
 * A bftask config for `calendar`'s range: files targets (st/<target>/{date}) or SQLite tables.
 * @param {Node[]} nodes
 * @param {string[]} calendar
 * @param {'files' | 'sqlite'} kind
 */
export function config(nodes, calendar, kind) {
  /** @type {Record<string, object>} */
  const targets = {};
  for (const node of nodes) {
    const output = kind === 'files' ? { files: `st/${node.name}/{date}` } : { table: node.name, dateColumn: 'd' };
    targets[node.name] = {
      ...output,
      deps: node.deps.map((d) => (d.lookback ? { target: nameOf(d.target), lookback: d.lookback } : nameOf(d.target))),
      run: ['touch', `st/${node.name}/{start}`],
      shard: 30,
    };
  }
  return [
    `// Generated by bench/planning.js: ${nodes.length} targets over ${calendar.length} daily dates.`,
    "import { defineConfig, sqlite } from 'bftask';",
    '',
    `const targets = ${JSON.stringify(targets)};`,
    '',
    'export default defineConfig({',
    "  warehouse: sqlite('warehouse.db'),",
    `  range: { start: '${calendar[0]}', end: '${calendar.at(-1)}' },`,
    "  calendar: 'daily',",
    '  targets,',
    '});',
    '',
  ].join('\n');
}

/**
 * The equivalent Makefile: an explicit rule per stamp, its prerequisites the upstream stamps
 * it reads (within the range, as bftask plans only the range), its recipe a touch.
 * @param {string} file
 * @param {Node[]} nodes
 * @param {string[]} calendar
 */
function writeMakefile(file, nodes, calendar) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '.PHONY: all\nall:');
    for (const node of nodes) fs.writeSync(fd, calendar.map((d) => ` st/${node.name}/${d}`).join(''));
    fs.writeSync(fd, '\n');
    for (const node of nodes) {
      const parts = [];
      for (const [j, date] of calendar.entries()) {
        parts.push(`st/${node.name}/${date}:`);
        for (const dep of node.deps) {
          const up = nameOf(dep.target);
          for (let b = Math.max(0, j - dep.lookback); b <= j; b++) parts.push(` st/${up}/${calendar[b]}`);
        }
        parts.push('\n\ttouch $@\n');
      }
      fs.writeSync(fd, parts.join(''));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `target/date` for every pending date of `--dry-run --json` output.
 * @param {string} file
 */
function bftaskPending(file) {
  /** @type {{ targets: { name: string, pending: string[] }[] }} */
  const plan = JSON.parse(fs.readFileSync(file, 'utf8'));
  const pending = new Set();
  for (const t of plan.targets) for (const d of t.pending) pending.add(`${t.name}/${d}`);
  return pending;
}

/**
 * `target/date` for every `touch st/target/date` that make -n prints.
 * @param {string} file
 */
function makePending(file) {
  const pending = new Set();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line.startsWith('touch st/')) pending.add(line.slice('touch st/'.length));
  return pending;
}

/** @type {(a: Set<string>, b: Set<string>) => boolean} */
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

/** @type {(a: Set<string>, b: Set<string>) => string} */
function difference(a, b) {
  const onlyA = [...a].filter((x) => !b.has(x));
  const onlyB = [...b].filter((x) => !a.has(x));
  return `${onlyA.length} only in the first, e.g. ${onlyA.slice(0, 3).join(' ')}; ${onlyB.length} only in the second, e.g. ${onlyB.slice(0, 3).join(' ')}`;
}

/** @type {(n: number) => string} */
const count = (n) => n.toLocaleString('en-US');
