/**
 * What SQL targets would bill, from dry runs. Each date is its own write job when it runs (one
 * partition per job), and the bytes cap applies per job, so each pending date is dry-run as it
 * would run: `@start = @end =` that date. A dry run is free and runs nothing.
 */
import type { IsoDate } from '../../config/types.js';
import type { SqlEstimate } from '../warehouse.js';

const MIB = 1024 * 1024;
/** BigQuery bills at least 10 MB for a query that reads anything, in whole MB. */
const MIN_BILLED = 10 * MIB;

/** The bytes a job that processes `processed` bytes is billed (on demand). */
export function billedBytes(processed: number): number {
  return processed > 0 ? Math.max(MIN_BILLED, Math.ceil(processed / MIB) * MIB) : 0;
}

/** A dry run of one date's job: the bytes it would process; it throws, saying which date, when it cannot run. */
export type DryRun = (target: string, sql: string, date: IsoDate) => Promise<number>;

/**
 * Dry-runs every date of every target, at most as many at once as `limit` lets. A target
 * whose dry run fails (its input table is built by an earlier step of the same plan, so it does
 * not exist yet) gets the first failure's message instead of a figure.
 */
export async function estimateSql(
  targets: readonly { readonly target: string; readonly sql: string; readonly dates: readonly IsoDate[] }[],
  dryRun: DryRun,
  cap: number,
  limit: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<SqlEstimate[]> {
  return Promise.all(
    targets.map(async ({ target, sql, dates }) => {
      let failed: { date: IsoDate; error: string } | undefined;
      const results = await Promise.all(
        dates.map((date) =>
          limit(async () => {
            // One failure says it all (a missing input fails every date): the rest are not sent.
            if (failed) return undefined;
            try {
              return { date, bytes: billedBytes(await dryRun(target, sql, date)) };
            } catch (error) {
              failed ??= { date, error: error instanceof Error ? error.message : String(error) };
              return undefined;
            }
          }),
        ),
      );
      const billed = results.filter((r) => r !== undefined);
      return {
        target,
        jobs: dates.length,
        bytesBilled: billed.reduce((n, r) => n + r.bytes, 0),
        overCap: billed.filter((r) => r.bytes > cap),
        ...(failed ? { error: failed.error } : {}),
      };
    }),
  );
}
