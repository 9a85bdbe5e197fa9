/** Checks `runners` and each target's `runner`. */
import { parseDuration } from '../util/durations.js';
import { isLocalEndpoint } from '../util/endpoints.js';
import { didYouMean } from '../util/suggest.js';
import { checkPositive, isRecord, show, type Fail } from './checks.js';
import type { Runner } from './config.js';
import type { WarehouseConfig } from './types.js';

const KEYS = ['kind', 'projectId', 'location', 'job', 'concurrency', 'apiEndpoint', 'timeout'];
/** Executions in flight at once when a runner says nothing. */
export const DEFAULT_RUNNER_SLOTS = 10;

export function checkRunners(raw: unknown, fail: Fail): Map<string, Runner> {
  const runners = new Map<string, Runner>();
  if (raw === undefined) return runners;
  if (!isRecord(raw)) {
    fail('runners', `must be an object of runners such as { cloud: cloudRunJob({...}) }, got ${show(raw)}`);
    return runners;
  }
  for (const [name, value] of Object.entries(raw)) {
    let ok = true;
    const note: Fail = (where, message) => {
      ok = false;
      fail(`runners.${name}${where}`, message);
    };
    if (!isRecord(value) || value.kind !== 'cloud-run-job') {
      note('', `must be a runner such as cloudRunJob({ projectId, location, job }), got ${show(value)}`);
      continue;
    }
    for (const key of Object.keys(value)) if (!KEYS.includes(key)) note(`.${key}`, `unknown field${didYouMean(key, KEYS)}`);
    if (typeof value.projectId !== 'string' || !/^[a-z][a-z0-9-:.]{3,}[a-z0-9]$/.test(value.projectId)) {
      note('.projectId', `must be a Google Cloud project id, got ${show(value.projectId)}`);
    }
    if (typeof value.location !== 'string' || !/^[a-z]+-[a-z]+\d+$/.test(value.location)) {
      note('.location', `must be a Cloud Run region such as "us-west2", got ${show(value.location)}`);
    }
    if (typeof value.job !== 'string' || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value.job)) {
      note('.job', `must be a Cloud Run job name (lowercase letters, digits, -), got ${show(value.job)}`);
    }
    const slots = checkPositive(value.concurrency, '.concurrency', note) ?? DEFAULT_RUNNER_SLOTS;
    if (value.apiEndpoint !== undefined && (typeof value.apiEndpoint !== 'string' || !/^https?:\/\/[^\s]+$/.test(value.apiEndpoint))) {
      note('.apiEndpoint', `must be an http(s) URL, got ${show(value.apiEndpoint)}`);
    }
    let timeoutMs: number | undefined;
    if (value.timeout !== undefined) {
      timeoutMs = parseDuration(value.timeout);
      if (timeoutMs === undefined || timeoutMs <= 0) note('.timeout', `must be seconds or a duration such as '30m', got ${show(value.timeout)}`);
    }
    if (ok) runners.set(name, { ...(value as unknown as Runner), name, slots, timeoutMs });
  }
  return runners;
}

/**
 * A target's runner: one of `runners`, for a command target, and able to reach the warehouse
 * and the output: a SQLite file and local files (`localFiles`, the pattern) live on this
 * machine, so only a local endpoint (an emulator, a test) can run their steps.
 */
export function checkTargetRunner(
  raw: unknown,
  runners: ReadonlyMap<string, Runner>,
  /** Every name under `runners`, valid or not: a broken runner was reported on its own. */
  declared: ReadonlySet<string>,
  isCommand: boolean,
  warehouse: WarehouseConfig | undefined,
  localFiles: string | undefined,
  fail: Fail,
): string | undefined {
  if (raw === undefined) return undefined;
  const runner = typeof raw === 'string' ? runners.get(raw) : undefined;
  if (!runner) {
    if (typeof raw === 'string' && declared.has(raw)) return undefined;
    const known = runners.size === 0 ? ': declare it in runners, e.g. runners: { cloud: cloudRunJob({...}) }' : didYouMean(String(raw), runners.keys()) || ` (runners: ${[...runners.keys()].join(', ')})`;
    fail('.runner', `unknown runner ${show(raw)}${known}`);
    return undefined;
  }
  if (!isCommand) {
    fail('.runner', 'only command targets (run) run on a runner; a SQL target runs in the warehouse');
    return undefined;
  }
  if (warehouse?.kind === 'sqlite' && !(runner.apiEndpoint && isLocalEndpoint(runner.apiEndpoint))) {
    fail('.runner', `"${runner.name}" runs steps on Cloud Run, which cannot reach the SQLite file ${warehouse.path}: use a BigQuery warehouse`);
    return undefined;
  }
  if (localFiles !== undefined && !(runner.apiEndpoint && isLocalEndpoint(runner.apiEndpoint))) {
    // bftask would look for them here and find every date still missing.
    fail('.runner', `"${runner.name}" runs steps on Cloud Run, whose files (${localFiles}) stay in its container: write them to Cloud Storage, files: 'gs://BUCKET/…/{date}.json'`);
    return undefined;
  }
  return runner.name;
}
