/**
 * Everything a command needs before it can act: the selected targets, the calendar and the
 * coverage read from the warehouse, turned into a plan. Reads only; runs nothing.
 */
import type { Config, Range } from './config/config.js';
import type { IsoDate } from './config/types.js';
import { withDependencies } from './config/graph.js';
import { readCoverage, resolveCalendar } from './coverage.js';
import { plan, planningStart, reachBack, type Plan } from './plan/plan.js';
import type { Warehouse } from './warehouse/warehouse.js';

export interface PlanRequest {
  /** Targets named on the command line; none means every target. */
  readonly roots: readonly string[];
  readonly range: Range;
  readonly force: ReadonlySet<string>;
  /** Plan prerequisites back to this date where lookbacks reach before the range (see PlanInput.floor). */
  readonly floor?: IsoDate;
}

export interface Planned {
  readonly plan: Plan;
  /** The calendar's dates within the range. */
  readonly calendar: readonly IsoDate[];
}

/** Reads the calendar and the selection's coverage, then plans. */
export async function planFromWarehouse(config: Config, warehouse: Warehouse, request: PlanRequest): Promise<Planned> {
  const roots = request.roots.length > 0 ? request.roots : config.order;
  const selection = withDependencies(roots, (name) => config.targets.get(name)?.deps.map((d) => d.target) ?? []);
  const deepest = Math.max(0, ...reachBack(config, selection).values());
  // One calendar and one coverage read for the widest window any target needs.
  const read = { start: planningStart(request.range, request.floor, deepest), end: request.range.end };
  const calendar = await resolveCalendar(config.calendar, read, warehouse);
  const targets = config.order.filter((n) => selection.has(n)).map((n) => config.targets.get(n)!);
  const present = await readCoverage(targets, read, calendar, warehouse, config.dir);
  return {
    calendar,
    plan: plan({ config, selection, range: request.range, floor: request.floor, calendar, present, force: request.force }),
  };
}
