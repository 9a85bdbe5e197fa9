/**
 * The Cloud Storage end-to-end rig: the fake Cloud Storage server in the test process, the real
 * CLI as a child process pointed at it with STORAGE_EMULATOR_HOST (no credentials), and the
 * metadata server replaced by a trap that records any probe.
 */
import { expect } from 'vitest';
import { offlineEnv, startMetadataTrap, type MetadataTrap } from '../bigquery/cli-rig.js';
import { configSource, makeProject, type CliResult, type Project } from '../rig.js';
import { startFakeStorage, type FakeStorage, type StorageRequest } from './fake-storage.js';

export interface StorageRig {
  readonly fake: FakeStorage;
  readonly trap: MetadataTrap;
  readonly project: Project;
  /**
   * Runs `bftask ...args` with STORAGE_EMULATOR_HOST at the fake (unless `emulator: false`), no
   * Google credentials, and checks that nothing probed the metadata server (unless `probeExpected`).
   */
  bftask(args: readonly string[], options?: { emulator?: boolean; probeExpected?: boolean }): Promise<CliResult>;
  /** `bftask --dry-run --json ...args`, checked to succeed quietly: pending dates per target. */
  pending(args?: readonly string[]): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

/** Starts the fake with `buckets`, and writes a project (SQLite warehouse) whose targets are `targets` (source). */
export async function startStorageRig(targets: string, buckets: readonly string[], range: [string, string] = ['2024-01-01', '2024-01-05']): Promise<StorageRig> {
  const fake = await startFakeStorage();
  for (const b of buckets) fake.createBucket(b);
  const trap = await startMetadataTrap();
  const project = makeProject({ 'backfill.config.ts': configSource(targets, { range }) });
  const rig: StorageRig = {
    fake,
    trap,
    project,
    async bftask(args, options = {}) {
      const result = await project.bftask(args, {
        env: {
          ...offlineEnv(project.dir, trap),
          ...(options.emulator === false ? {} : { STORAGE_EMULATOR_HOST: fake.url }),
        },
      });
      if (!options.probeExpected) expect(trap.hits, 'requests to the metadata server').toEqual([]);
      return result;
    },
    async pending(args = []) {
      const result = await rig.bftask(['--dry-run', '--json', ...args]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const { targets } = JSON.parse(result.stdout) as { targets: { name: string; pending: string[] }[] };
      return Object.fromEntries(targets.map((t) => [t.name, t.pending]));
    },
    async close() {
      await fake.close();
      await trap.close();
      project.remove();
    },
  };
  return rig;
}

/** Starts a rig, runs `body`, and always closes it. */
export async function withStorageRig<T>(
  targets: string,
  buckets: readonly string[],
  body: (rig: StorageRig) => Promise<T>,
): Promise<T> {
  const rig = await startStorageRig(targets, buckets);
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

/** A request as `METHOD path ?key=value&…` (keys sorted), for exact comparisons. */
export function shown(r: StorageRequest): string {
  const query = Object.keys(r.query)
    .sort()
    .map((k) => `${k}=${r.query[k]}`)
    .join('&');
  return `${r.method} ${r.path}${query ? ` ?${query}` : ''}`;
}
