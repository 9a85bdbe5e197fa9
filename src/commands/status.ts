/** `bftask status`: coverage per target; exit 0 only when everything selected is complete. */
import type { Config } from '../config/config.js';
import { formatStatus, isComplete, statusJson } from '../report/status.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { newRunId } from '../run/logs.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Io } from './io.js';

export async function status(config: Config, json: boolean, request: PlanRequest, io: Io): Promise<number> {
  // Reads only: the run id just labels BigQuery's coverage queries.
  return withWarehouse(config, io, newRunId(), false, async (warehouse) => {
    // Coverage only: what is present, not what is stale (see `why` and the dry run for that).
    const { plan, calendar } = await planFromWarehouse(config, warehouse, { ...request, force: new Set(), presenceOnly: true });
    const withChecks = plan.targets.some((t) => Object.keys(config.targets.get(t.name)?.checks ?? {}).length > 0);
    io.out(json ? statusJson(plan) : formatStatus(plan, calendar, warehouse.description, withChecks));
    return plan.targets.every(isComplete) ? 0 : 1;
  });
}
