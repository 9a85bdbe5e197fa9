/** Opens the warehouse a config names. */
import path from 'node:path';
import type { Config } from '../config/config.js';
import { unreachable } from '../util/unreachable.js';
import { openBigQuery } from './bigquery/warehouse.js';
import { openSqlite } from './sqlite.js';
import type { Warehouse } from './warehouse.js';

/** `runId` labels BigQuery jobs so their cost can be traced to a run. */
export function openWarehouse(config: Config, shownPath: (file: string) => string, runId: string): Warehouse {
  const { warehouse } = config;
  switch (warehouse.kind) {
    case 'sqlite': {
      const file = path.resolve(config.dir, warehouse.path);
      return openSqlite(file, shownPath(file));
    }
    case 'bigquery':
      return openBigQuery(warehouse, { runId });
    default:
      return unreachable(warehouse);
  }
}
