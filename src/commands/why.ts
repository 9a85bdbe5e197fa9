/** `bftask why TARGET [--date D]`: why each pending date is pending, down to its root. Reads only. */
import type { Config } from '../config/config.js';
import { Ledger } from '../ledger/ledger.js';
import { explain } from '../plan/explain.js';
import { explanationsJson, formatExplanation } from '../report/why.js';
import { newRunId } from '../run/logs.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { dateProblem, formatRun } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Io } from './io.js';

export async function why(config: Config, request: PlanRequest, date: string | undefined, json: boolean, io: Io): Promise<number> {
  const [target] = request.roots;
  if (target === undefined || request.roots.length !== 1) throw new UsageError('why takes one target: bftask why TARGET [--date YYYY-MM-DD]');
  const problem = date === undefined ? undefined : dateProblem(date);
  if (problem) throw new UsageError(`--date ${date} ${problem}`);
  const history = Ledger.openForRead(config.dir);
  try {
    return await withWarehouse(config, io, newRunId(), false, async (warehouse) => {
      const { plan, calendar, built, thin } = await planFromWarehouse(config, warehouse, request, history);
      const mine = plan.targets.find((t) => t.name === target);
      if (!mine) throw new Error(`Internal error: ${target} is not in its own plan`);
      if (date !== undefined && !calendar.includes(date)) {
        throw new UsageError(`--date ${date} is not a date of the calendar in ${formatRun(plan.range)}`);
      }
      const dates = date !== undefined ? [date] : mine.pending;
      const explanations = dates.map((d) => explain({ config, built, thin }, plan, target, d));
      if (json) io.out(explanationsJson(target, explanations));
      else if (explanations.length === 0) io.out(`${target}: nothing pending in ${formatRun(plan.range)}`);
      else {
        const labels = new Map(plan.targets.map((t) => [t.name, t.label]));
        io.out(explanations.flatMap((e) => formatExplanation(e, labels)).join('\n'));
      }
      return 0;
    });
  } finally {
    history?.close();
  }
}
