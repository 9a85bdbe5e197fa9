// `npm run bench`: prints measured figures and their ratio to the goals the README states.
import os from 'node:os';
import { benchExample } from './example.js';
import { benchPlanner } from './planner.js';

/** @type {(value: number, goal: number, unit: string) => string} */
const ratio = (value, goal, unit) => `${(value / goal).toFixed(3)} of the ${goal} ${unit} goal`;

console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
console.log('\nplanner: 16 targets × 918 dates, shard 30 (median of 20)');
for (const row of benchPlanner()) {
  console.log(`  ${row.case.padEnd(28)} ${String(row.steps).padStart(4)} steps  ${row.medianMs.toFixed(2).padStart(7)} ms  (${ratio(row.medianMs, 100, 'ms')})`);
}

console.log('\nexample pipeline (concurrency 4), wall clock:');
const example = benchExample();
console.log(`  bftask mlfs, empty warehouse      ${example.mlfs.toFixed(1).padStart(6)} s`);
console.log(`  bftask exports, after mlfs        ${example.exportsRest.toFixed(1).padStart(6)} s`);
console.log(`  bftask mlfs again (nothing to do) ${example.noop.toFixed(2).padStart(6)} s  (${ratio(example.noop, 2, 's')})`);
console.log(`  bftask exports, empty warehouse   ${example.full.toFixed(1).padStart(6)} s  (${ratio(example.full, 60, 's')})`);
