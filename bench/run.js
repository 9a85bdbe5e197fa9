// `npm run bench`: the benchmark of issue 8 ("Performance"). Prints measured figures, the ratios
// between things measured side by side in this very run, and the goals beside them.
//
//   npm run bench                                   makespan, overhead, planning, planner
//   npm run bench -- makespan planning              just these parts
//   npm run bench -- --quick                        a smoke test of every part: small, fast, figures not meaningful
//   npm run bench -- --profile DIR                  also profile bftask (node --cpu-prof) and summarise
//   npm run bench -- planning --make-all            make -n at every size, not just 1× (minutes, GBs)
//   npm run bench -- example                        the shipped example end to end (the README's table)
//   npm run bench -- spawn                          node's spawn() cost against the parent's memory
//   node bench/profile.js [--callers NAME] DIR      summarise profiles again, or the call paths into NAME
//
// Parts: makespan (the backfill replayed by sleeping processors), overhead (bftask's own cost
// per step against GNU make), planning (200 targets × 5,000 dates and up, against make -n),
// planner (the pure planner in-process), example, spawn (a diagnostic). Benchmarks only print;
// nothing here fails on a figure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchExample } from './example.js';
import { hasGnuTime, median } from './lib/measure.js';
import { benchMakespan } from './makespan.js';
import { benchOverhead } from './overhead.js';
import { benchPlanner } from './planner.js';
import { benchPlanning } from './planning.js';
import { benchSpawn } from './spawn.js';
import { profilesIn, summarise } from './profile.js';

const PARTS = ['makespan', 'overhead', 'planning', 'planner', 'example', 'spawn'];
const DEFAULT_PARTS = ['makespan', 'overhead', 'planning', 'planner'];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const makeAll = args.includes('--make-all');
const profileAt = args.indexOf('--profile');
const profileDir = profileAt >= 0 ? path.resolve(args[profileAt + 1] ?? 'bench-profiles') : undefined;
const named = args.filter((a, i) => !a.startsWith('--') && !(profileAt >= 0 && i === profileAt + 1));
for (const name of named) {
  if (name !== 'all' && !PARTS.includes(name)) {
    console.error(`bench: unknown part "${name}"; parts: ${PARTS.join(', ')}, all`);
    process.exit(2);
  }
}
const parts = named.includes('all') ? PARTS : named.length > 0 ? named : DEFAULT_PARTS;

/** The 1-minute load average and what else is running: a busy machine slows every figure here. */
const load = () => `load ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`;

/**
 * Median wall and CPU time of starting node on an empty script, with the environment as it is
 * and, when NODE_EXTRA_CA_CERTS is set, without it (node then reads and parses that file at
 * every start); the two alternate so that a change in load hits both alike.
 */
function nodeStart() {
  const file = path.join(os.tmpdir(), `bftask-bench-empty-${process.pid}.mjs`);
  fs.writeFileSync(file, '');
  const { NODE_EXTRA_CA_CERTS: certs, ...without } = process.env;
  const envs = certs ? [process.env, without] : [process.env];
  /** @type {{ wall: number[], cpu: number[] }[]} */
  const runs = envs.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < 9; i++) {
    for (const [k, env] of envs.entries()) {
      const argv = hasGnuTime ? ['/usr/bin/time', '-f', '%U %S', process.execPath, file] : [process.execPath, file];
      const t0 = performance.now();
      const r = spawnSync(argv[0] ?? '', argv.slice(1), { env, encoding: 'utf8' });
      runs[k]?.wall.push(performance.now() - t0);
      const [user, system] = r.stderr.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
      runs[k]?.cpu.push(((user ?? NaN) + (system ?? NaN)) * 1000);
    }
  }
  fs.rmSync(file);
  const show = (/** @type {{ wall: number[], cpu: number[] }} */ r) =>
    `${median(r.wall).toFixed(0)} ms wall${hasGnuTime ? `, ${median(r.cpu).toFixed(0)} ms CPU` : ''}`;
  const [asIs, bare] = runs;
  return asIs && bare
    ? `${show(asIs)} with NODE_EXTRA_CA_CERTS as set here, ${show(bare)} without it`
    : asIs ? show(asIs) : '';
}

console.log(`bftask bench${quick ? ' --quick (a smoke test: sizes cut down, figures not meaningful)' : ''}: ${parts.join(', ')}`);
console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB, node ${process.version}, ${load()} at start`);
if ((os.loadavg()[0] ?? 0) > os.cpus().length) {
  console.log('  busy: other work is running, so wall-clock figures are inflated and vary from run to run; CPU figures hold better');
}
console.log(`node start, empty script (median of 9): ${nodeStart()}`);
if (!hasGnuTime) console.log('no /usr/bin/time: make\'s peak memory is not measured');

for (const part of parts) {
  console.log('');
  const t0 = performance.now();
  const at = load();
  switch (part) {
    case 'makespan':
      console.log(await benchMakespan(quick ? { msPerHour: 100 } : {}));
      break;
    case 'overhead':
      console.log(benchOverhead({ steps: quick ? 50 : 500, profileDir }));
      break;
    case 'planning':
      console.log(benchPlanning({ ...(quick ? { dates: 250 } : {}), makeAll, profileDir }));
      break;
    case 'planner': {
      console.log(`planner: the pure planner in-process, 16 targets × 918 dates, shard 30 (median of ${quick ? 3 : 20})`);
      for (const row of benchPlanner({ repeats: quick ? 3 : 20 })) {
        console.log(`  ${row.case.padEnd(28)} ${String(row.steps).padStart(4)} steps  ${row.medianMs.toFixed(2).padStart(7)} ms  (goal ≤ 100 ms)`);
      }
      break;
    }
    case 'spawn':
      console.log(benchSpawn({ steps: quick ? 20 : 100 }));
      break;
    case 'example': {
      console.log('example pipeline (concurrency 4), wall clock:');
      const example = benchExample();
      console.log(`  bftask mlfs, empty warehouse      ${example.mlfs.toFixed(1).padStart(6)} s`);
      console.log(`  bftask exports, after mlfs        ${example.exportsRest.toFixed(1).padStart(6)} s`);
      console.log(`  bftask mlfs again (nothing to do) ${example.noop.toFixed(2).padStart(6)} s  (goal ≤ 2 s)`);
      console.log(`  bftask exports, empty warehouse   ${example.full.toFixed(1).padStart(6)} s  (goal ≤ 60 s)`);
      break;
    }
  }
  console.log(`  (${part}: ${((performance.now() - t0) / 1000).toFixed(0)} s; ${at} before, ${load()} after)`);
}

if (profileDir) {
  console.log(`\nprofiles (node --cpu-prof) in ${profileDir}:`);
  for (const file of profilesIn(profileDir)) console.log(`\n${summarise(file)}`);
}
