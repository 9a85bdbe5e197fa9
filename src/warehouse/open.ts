/** Opens the warehouse a config names. */
import path from 'node:path';
import type { Config } from '../config/config.js';
import { unreachable } from '../util/unreachable.js';
import { openSqlite } from './sqlite.js';
import type { Warehouse } from './warehouse.js';

export function openWarehouse(config: Config, shownPath: (file: string) => string): Warehouse {
  const { warehouse } = config;
  switch (warehouse.kind) {
    case 'sqlite': {
      const file = path.resolve(config.dir, warehouse.path);
      return openSqlite(file, shownPath(file));
    }
    default:
      return unreachable(warehouse.kind);
  }
}
