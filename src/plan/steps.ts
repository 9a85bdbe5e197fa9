/** Cutting a target's pending dates into steps, and what each step needs upstream. */
import type { Target } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { lowerBound } from '../util/dates.js';
import { expandArgv } from './argv.js';
import type { Step } from './plan.js';

/** A step's id, `target:start_end`; `parseStepId` reads it back. */
export const stepId = (target: string, start: IsoDate, end: IsoDate): string => `${target}:${start}_${end}`;

/** The target and dates a step id names. */
export function parseStepId(id: string): { target: string; start: IsoDate; end: IsoDate } {
  const match = /^(.*):(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(id);
  if (!match) throw new Error(`Internal error: not a step id: ${id}`);
  return { target: match[1] as string, start: match[2] as IsoDate, end: match[3] as IsoDate };
}

/**
 * The step that builds `dates` (consecutive calendar dates, sorted) of `target`. Also how a run
 * narrows a planned step to part of its dates: a bisected half, or the dates whose inputs built.
 */
export function stepFor(target: Target, dates: readonly IsoDate[], needs: readonly string[]): Step {
  if (dates.length === 0) throw new Error(`Internal error: a step of ${target.name} with no dates`);
  const start = dates[0] as IsoDate;
  const end = dates[dates.length - 1] as IsoDate;
  return {
    id: stepId(target.name, start, end),
    target: target.name,
    start,
    end,
    dates,
    action:
      target.action.kind === 'command'
        ? { kind: 'command', argv: expandArgv(target.action.run, { start, end, target: target.name, table: target.label }) }
        : target.action,
    needs,
  };
}

/**
 * Runs of consecutive calendar dates, at most `shard` long. `positions` are the pending dates'
 * indexes in the calendar, ascending.
 */
export function cutRuns(positions: readonly number[], shard: number): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  for (const at of positions) {
    const previous = current[current.length - 1];
    if (previous !== undefined && (at !== previous + 1 || current.length >= shard)) {
      runs.push(current);
      current = [];
    }
    current.push(at);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/**
 * The steps of `upstream` (sorted, disjoint) holding a date in [from, to]: found by binary
 * search on step ends, so a plan of many steps stays linear rather than quadratic.
 */
export function stepsHolding(upstream: readonly Step[], from: IsoDate, to: IsoDate): string[] {
  const ids: string[] = [];
  let lo = 0;
  let hi = upstream.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((upstream[mid] as Step).end < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < upstream.length; i++) {
    const step = upstream[i] as Step;
    if (step.start > to) break;
    const found = step.dates[lowerBound(step.dates, from)];
    if (found !== undefined && found <= to) ids.push(step.id);
  }
  return ids;
}
