// `npm run bench`: prints measured figures and their ratio to the goals the README states.
import { benchPlanner } from './planner.js';

const goals = { plannerMs: 100 };

console.log('planner: 16 targets × 918 dates, shard 30 (median of 20)');
for (const row of benchPlanner()) {
  console.log(
    `  ${row.case.padEnd(28)} ${String(row.steps).padStart(4)} steps  ${row.medianMs.toFixed(2).padStart(7)} ms` +
      `  (${(row.medianMs / goals.plannerMs).toFixed(3)} of the ${goals.plannerMs} ms goal)`,
  );
}
