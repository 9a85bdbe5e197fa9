/** The public API used by backfill.config.ts. */
export type {
  BackfillConfig,
  CalendarConfig,
  DependencyConfig,
  FilesTargetConfig,
  IsoDate,
  SqliteWarehouseConfig,
  TableTargetConfig,
  TargetConfig,
  WarehouseConfig,
} from './config/types.js';
import type { BackfillConfig, SqliteWarehouseConfig } from './config/types.js';

/** Returns its argument: exists so editors type-check and complete the config. */
export function defineConfig(config: BackfillConfig): BackfillConfig {
  return config;
}

/** The embedded warehouse: a SQLite file (WAL mode, created if missing), relative to the config. */
export function sqlite(path: string): SqliteWarehouseConfig {
  return { kind: 'sqlite', path };
}
