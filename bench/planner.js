// Measures the pure planner on the shape of the real backfill: 16 targets in a chain with
// lookbacks, 918 game dates, shard 30, with one upstream date missing so Make semantics
// propagate through every target.
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../dist/config/validate.js';
import { plan } from '../dist/plan/plan.js';
import { eachDay } from '../dist/util/dates.js';

export function benchPlanner({ dates = 918, targets = 16, repeats = 20 } = {}) {
  const calendar = eachDay('2021-10-19', '2026-01-03').filter((_, i) => i % 2 === 0).slice(0, dates);
  /** @type {Record<string, object>} */
  const defs = {};
  for (let i = 0; i < targets; i++) {
    defs[`t${i}`] = {
      table: `table_${i}`,
      dateColumn: 'd',
      run: ['job', '--start-date', '{start}', '--end-date', '{end}'],
      shard: 30,
      deps: i === 0 ? [] : [i % 3 === 0 ? { target: `t${i - 1}`, lookback: 10 } : `t${i - 1}`],
    };
  }
  const result = validateConfig(
    { warehouse: { kind: 'sqlite', path: 'w.db' }, range: { start: calendar[0], end: calendar.at(-1) }, targets: defs },
    '/bench/backfill.config.ts',
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const { config } = result;
  const complete = new Set(calendar);
  const oneMissing = new Set(calendar.filter((_, i) => i !== Math.floor(dates / 2)));
  const cases = {
    'empty warehouse': new Map(config.order.map((n) => [n, new Set()])),
    complete: new Map(config.order.map((n) => [n, complete])),
    'one upstream date missing': new Map(config.order.map((n, i) => [n, i === 0 ? oneMissing : complete])),
  };
  const rows = [];
  for (const [name, present] of Object.entries(cases)) {
    const input = { config, selection: new Set(config.order), range: config.range, calendar, present, force: new Set() };
    plan(input); // warm up
    const times = [];
    let steps = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      steps = plan(input).steps.length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    rows.push({ case: name, steps, medianMs: times[Math.floor(times.length / 2)] ?? NaN });
  }
  return rows;
}
