/** Opens the warehouse a config names. */
import path from 'node:path';
import type { Config } from '../config/config.js';
import { unreachable } from '../util/unreachable.js';
import { openSqlite } from './sqlite.js';
import type { Warehouse } from './warehouse.js';

/**
 * `runId` labels BigQuery jobs so their cost can be traced to a run; `willWrite` is false for
 * commands that only read (status, --dry-run), which must leave no trace.
 */
export async function openWarehouse(
  config: Config,
  shownPath: (file: string) => string,
  runId: string,
  willWrite: boolean,
): Promise<Warehouse> {
  const { warehouse } = config;
  switch (warehouse.kind) {
    case 'sqlite': {
      const file = path.resolve(config.dir, warehouse.path);
      return openSqlite(file, shownPath(file), willWrite);
    }
    case 'bigquery': {
      // Loaded on demand: the client library alone costs a SQLite user ~0.2 s per command.
      const { openBigQuery } = await import('./bigquery/warehouse.js');
      return openBigQuery(warehouse, { runId });
    }
    default:
      return unreachable(warehouse);
  }
}

/** Opens the warehouse, hands it to `use`, and closes it whatever happens. */
export async function withWarehouse<T>(
  config: Config,
  io: { shownPath(file: string): string },
  runId: string,
  willWrite: boolean,
  use: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(config, io.shownPath, runId, willWrite);
  try {
    return await use(warehouse);
  } finally {
    warehouse.close();
  }
}
