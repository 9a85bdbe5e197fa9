/** The public API used by backfill.config.ts. */
export type {
  BackfillConfig,
  BigQueryWarehouseConfig,
  CalendarConfig,
  CloudRunJobConfig,
  Duration,
  RunnerConfig,
  DependencyConfig,
  FilesTargetConfig,
  IsoDate,
  SqliteWarehouseConfig,
  TableTargetConfig,
  TargetConfig,
  WarehouseConfig,
} from './config/types.js';
import type { BackfillConfig, BigQueryWarehouseConfig, CloudRunJobConfig, SqliteWarehouseConfig } from './config/types.js';

/** Returns its argument: exists so editors type-check and complete the config. */
export function defineConfig(config: BackfillConfig): BackfillConfig {
  return config;
}

/** The embedded warehouse: a SQLite file (WAL mode, created if missing), relative to the config. */
export function sqlite(path: string): SqliteWarehouseConfig {
  return { kind: 'sqlite', path };
}

/** A Cloud Run job that runs command steps as executions (see README, "Running steps on Cloud Run"). */
export function cloudRunJob(options: Omit<CloudRunJobConfig, 'kind'>): CloudRunJobConfig {
  return { kind: 'cloud-run-job', ...options };
}

/** The production warehouse: BigQuery, with Application Default Credentials. */
export function bigquery(options: Omit<BigQueryWarehouseConfig, 'kind'>): BigQueryWarehouseConfig {
  return { kind: 'bigquery', ...options };
}
